// socialset dashboard: plain JavaScript over the HTTP API (no build step, nothing fetched
// from elsewhere). Views: log in, leaderboard, account, communities map, audit, segments,
// disclosure, customer voice, plan, campaigns, import.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { workspaces: [], ws: null, offset: 0, limit: 25, auditOffset: 0, segmentOffset: 0, disclosureOffset: 0 };

async function api(path, options = {}) {
  const r = await fetch(path, { credentials: "same-origin", ...options });
  const type = r.headers.get("content-type") || "";
  const body = type.includes("json") ? await r.json() : await r.text();
  if (r.status === 401 && path !== "/api/login") {
    show("login");
    throw new Error("Please log in.");
  }
  if (!r.ok) {
    const why = body && body.error ? body.error : r.statusText;
    throw new Error(body && body.field ? `${why} (${body.field})` : why);
  }
  return body;
}

function status(message) {
  $("status").textContent = message || "";
}

// Thrown to stop a view's work when the analyst has moved to another view: not an error.
class Left extends Error {}
const report = (e) => (e instanceof Left ? null : status(e.message));

// Shows why a view's job ended without a result in the element `id` (where its "working…"
// text was), then passes the error on.
const shownIn = (id) => (e) => {
  if (!(e instanceof Left)) $(id).textContent = `${e.message} Nothing was computed; ask again when you are ready.`;
  throw e;
};

// The job the current view waits for (a new view stops waiting for the old one's: the job
// goes on on the server, and its result is served at once when asked for again).
let waitingFor = null;

// The job each result came from: its tables download from the job.
const jobOfResult = new WeakMap();

// Links under the table (or list) holding `id`: every row of it as CSV and as an Excel
// workbook, from `path` with the query `params` (a page's offset and limit left out).
function downloads(id, path, params = {}, label = "Download every row: ") {
  const el = $(id).closest("table") || $(id);
  const box = el.parentElement.classList.contains("scroll") ? el.parentElement : el;
  let p = box.nextElementSibling;
  if (!p || !p.classList.contains("downloads")) {
    p = document.createElement("p");
    p.className = "downloads";
    box.after(p);
  }
  const link = (format, text, title) => {
    const q = new URLSearchParams(params);
    q.delete("offset");
    q.delete("limit");
    q.set("format", format);
    const a = document.createElement("a");
    a.href = `${path}?${q}`;
    a.download = "";
    a.textContent = text;
    a.title = title;
    return a;
  };
  p.replaceChildren(
    label,
    link("csv", "CSV", "Comma-separated text, with handles, for any spreadsheet"),
    " · ",
    link("xlsx", "Excel", "An Excel workbook, with handles"),
    " · ",
    link("parquet", "Parquet", "Typed columns for DuckDB, pandas or polars"),
  );
}

// A job's table to download: `table` of the result `result` came with.
function jobDownloads(id, result, table, label) {
  const job = jobOfResult.get(result);
  if (job) downloads(id, `${base()}/jobs/${encodeURIComponent(job)}`, { table }, label);
}

// Runs a computation as a server job, showing what it is (`label`), its step and progress with
// a Cancel button, and gives its result once done; throws when it failed or was cancelled.
async function runJob(request, label) {
  let job = await api(`${base()}/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const mine = {};
  waitingFor = mine;
  const panel = $("job");
  // Asked again soon at first (most jobs end within a second), then every half second.
  let wait = 100;
  try {
    while (["queued", "running", "cancelling"].includes(job.state)) {
      panel.hidden = false;
      const pct = job.progress === null || job.progress === undefined ? "" : ` (${fmt(job.progress * 100)}%)`;
      const step = (job.step || job.state).replace(/\d{4,}/g, (d) => fmt(Number(d)));
      $("job-step").textContent = `${label}: ${job.state === "cancelling" ? "cancelling" : step}${pct}`;
      if (pct) $("job-bar").value = job.progress;
      else $("job-bar").removeAttribute("value");
      const id = job.id;
      $("job-cancel").disabled = job.state === "cancelling";
      $("job-cancel").onclick = () =>
        api(`${base()}/jobs/${encodeURIComponent(id)}`, { method: "DELETE" }).catch(report);
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(500, Math.round(wait * 1.5));
      if (waitingFor !== mine) throw new Left("left");
      job = await api(`${base()}/jobs/${encodeURIComponent(id)}`);
    }
  } finally {
    if (waitingFor === mine) {
      panel.hidden = true;
      waitingFor = null;
    }
  }
  if (job.state === "done") {
    if (job.result && typeof job.result === "object") jobOfResult.set(job.result, job.id);
    return job.result;
  }
  throw new Error(job.state === "cancelled" ? "Cancelled." : job.error || `The job ended ${job.state}.`);
}

function show(id) {
  for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== id;
  $("nav").hidden = id === "login";
}

function cell(tr, text, numeric) {
  const td = document.createElement("td");
  td.textContent = text;
  if (numeric) td.className = "num";
  tr.appendChild(td);
  return td;
}

const fmt = (x, digits = 0) =>
  Number(x).toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
// A percentile (0–100) as the share at or above it, two significant figures: "top 0.0025%",
// "top 4.2%", "top 45%" (the first accounts of a large ranking are all 100.0 to one decimal).
const topShare = (p) => {
  const top = Math.max(0, 100 - p);
  const digits = top >= 10 || top <= 0 ? 0 : Math.max(1, 1 - Math.floor(Math.log10(top)));
  return `top ${top.toFixed(digits)}%`;
};
const base = () => `/api/workspaces/${encodeURIComponent(state.ws)}`;
const role = () => (state.workspaces.find((w) => w.name === state.ws) || {}).role;

async function start() {
  // Asked without a failed request: the browser logs a 401 as an error.
  const session = await api("/api/session").catch(() => ({ user: null }));
  if (!session.user) {
    show("login");
    return;
  }
  try {
    state.workspaces = await api("/api/workspaces");
  } catch (e) {
    show("login");
    return;
  }
  const select = $("workspace");
  select.replaceChildren();
  for (const w of state.workspaces) {
    const o = document.createElement("option");
    o.value = w.name;
    o.textContent = `${w.name} (${w.role})`;
    select.appendChild(o);
  }
  if (!state.workspaces.length) {
    show("none");
    $("nav").hidden = false;
    status("You are not a member of any workspace yet: ask an admin (socialset user add).");
    return;
  }
  if (!state.workspaces.some((w) => w.name === state.ws)) state.ws = state.workspaces[0].name;
  select.value = state.ws;
  route();
}

function route() {
  // Before the workspaces are known (a hash change while logging in), start() routes.
  if (!state.ws) return;
  status("");
  waitingFor = null;
  $("job").hidden = true;
  $("nav-import").hidden = !["admin", "analyst"].includes(role());
  const view = location.hash.slice(1) || "leaderboard";
  const run = view.startsWith("account/")
    ? showAccount(decodeURIComponent(view.slice("account/".length)))
    : view === "communities"
      ? showCommunities()
      : view === "audit"
        ? showAudit()
      : view === "segments"
        ? showSegments()
      : view === "disclosure"
        ? showDisclosure()
      : view === "ugc"
        ? showUgc()
      : view === "claims"
        ? showClaims()
      : view.startsWith("claim/")
        ? showClaim(decodeURIComponent(view.slice("claim/".length)))
        : view === "plan"
          ? Promise.resolve(show("plan"))
      : view === "campaigns"
        ? showCampaigns()
      : view.startsWith("campaign/")
        ? showCampaign(decodeURIComponent(view.slice("campaign/".length)))
      : view === "import"
        ? showImport()
        : showLeaderboard();
  run.catch(report);
}

// What order a ranking is in, and how its blend was chosen.
function orderText(o) {
  if (!o.blend) {
    return o.authority_because
      ? `Ordered by authority (PageRank): ${o.authority_because}.`
      : "Ordered by authority (PageRank).";
  }
  const names = { authority: "authority", forecast_engagers: "forecast engagers", distinct_engagers: "distinct engagers", recent_engagement: "recent engagement" };
  const parts = Object.entries(o.blend.weights).filter(([, w]) => w > 0).map(([k, w]) => `${names[k]} ${fmt(w, 1)}`);
  return `Ordered to predict who is engaged with next: ${parts.join(", ")}, the blend that best predicted ` +
    `${o.blend.cut.slice(0, 16).replace("T", " ")}–${o.blend.until.slice(0, 16).replace("T", " ")} UTC from the time before (Spearman ${fmt(o.blend.validation_spearman, 3)}).`;
}

async function showLeaderboard() {
  show("leaderboard");
  $("rank-caption").textContent = "Ranking the accounts…";
  const stats = await api(`${base()}/stats`).catch((e) => {
    $("rank-rows").replaceChildren();
    throw e;
  });
  $("stats").textContent =
    `${fmt(stats.accounts)} accounts, ${fmt(stats.posts)} posts, ${fmt(stats.interactions)} interactions.`;
  const q = sorted("rankSort", { offset: state.offset, limit: state.limit });
  if ($("tier").value) q.set("tier", $("tier").value);
  const topic = $("topic").value.trim();
  if (topic) q.set("topic", topic);
  const community = $("community").value.trim();
  if (community) q.set("community", community);
  const minEngagers = $("min-engagers").value.trim();
  if (minEngagers) q.set("min_engagers", minEngagers);
  const lang = $("lang").value.trim();
  if (lang) q.set("lang", lang);
  const hide = [$("hide-bots").checked ? "bots" : "", $("hide-orgs").checked ? "organisations" : ""].filter(Boolean);
  if (hide.length) q.set("hide", hide.join(","));
  if ($("rank-by").value) q.set("by", $("rank-by").value);
  // Counting unknown follower counts as natives is a choice the analyst makes once.
  localStorage.setItem("assumeNative", $("rank-assume-native").checked ? "1" : "");
  if ($("rank-assume-native").checked) q.set("assume_native_if_unknown", "true");
  // The CSV holds every matching account, not this page.
  const all = new URLSearchParams(q);
  all.delete("offset");
  all.delete("limit");
  all.set("format", "csv");
  $("csv").href = `${base()}/rank?${all}`;
  all.set("format", "xlsx");
  $("xlsx").href = `${base()}/rank?${all}`;
  all.set("format", "parquet");
  $("parquet").href = `${base()}/rank?${all}`;
  // A ranking can take seconds: only the latest request (filter, page, sort) may fill the
  // table, so an earlier answer arriving late does not overwrite a later one.
  const asked = (state.rankAsked = (state.rankAsked ?? 0) + 1);
  const r = await api(`${base()}/rank?${q}`);
  if (asked !== state.rankAsked) return;
  const rows = r.accounts.map((a) => {
    const tr = document.createElement("tr");
    cell(tr, fmt(a.listed_rank), true);
    cell(tr, fmt(a.rank), true);
    const link = document.createElement("a");
    link.href = `#account/${encodeURIComponent(a.id)}`;
    link.textContent = a.handle ? `@${a.handle}` : a.id;
    cell(tr, "").appendChild(link);
    cell(tr, topShare(a.percentile), true);
    const audience = cell(tr, `${fmt(a.audience)}${a.audience_source === "in-graph" ? " (engagers seen)" : ""}`, true);
    if (a.audience_source === "in-graph") {
      audience.title = "No follower count in the data: the distinct accounts seen engaging with it stand in for its audience (in-graph), a lower bound";
    }
    cell(tr, a.native ? `${a.tier}, native` : a.tier);
    cell(tr, fmt(a.distinct_engagers), true);
    cell(tr, fmt(a.confidence, 2), true);
    cell(tr, fmt(a.authority_rank), true);
    return tr;
  });
  $("rank-rows").replaceChildren(...rows);
  $("rank-caption").textContent = `${fmt(r.matching)} of ${fmt(r.ranked)} ranked accounts match` +
    (r.left_out_few_engagers
      ? `; ${fmt(r.left_out_few_engagers)} more with fewer than ${fmt(r.min_engagers)} engagers or followers in the data are not listed`
      : "") +
    (r.hidden_bots + r.hidden_organisations
      ? `; hidden: ${fmt(r.hidden_bots)} likely bots, ${fmt(r.hidden_organisations)} organisations`
      : "") +
    (r.left_out_unknown_audience
      ? `; ${fmt(r.left_out_unknown_audience)} more would be native by the engagers seen but have no follower count (tick "Unknown follower counts as natives" to list them)`
      : "") +
    `. ${orderText(r.order)}`;
  $("page").textContent = r.accounts.length
    ? `${fmt(r.offset + 1)}–${fmt(r.offset + r.accounts.length)} of ${fmt(r.matching)}`
    : "none";
  $("prev").disabled = state.offset === 0;
  $("next").disabled = state.offset + state.limit >= r.matching;
}

// The profile card: who the account is, its latest posts, its engagement rate against the
// median of its tier in this workspace.
function showProfile(p) {
  const card = $("profile-card");
  if (!p) return;
  const el = (tag, text) => {
    const x = document.createElement(tag);
    if (text !== undefined) x.textContent = text;
    return x;
  };
  const count = (n) => (n === null || n === undefined ? "unknown" : fmt(n));
  const percent = (r) => `${fmt(r * 100, 2)}%`;
  const title = el("h3", p.name ? `${p.name}${p.handle ? ` (@${p.handle})` : ""}` : p.handle ? `@${p.handle}` : p.id);
  const parts = [title];
  if (p.bio) parts.push(el("p", p.bio));
  const marks = [p.verified ? "verified" : "", p.is_brand ? "a brand" : ""].filter(Boolean);
  parts.push(el("p",
    `${count(p.followers)} followers · following ${count(p.following)} · ${count(p.posts_count)} posts in its life` +
    (p.listed !== null ? ` · on ${count(p.listed)} lists` : "") +
    (marks.length ? ` · ${marks.join(", ")}` : "") +
    (p.created_at ? ` · joined ${p.created_at.slice(0, 10)}` : "")));
  if (p.link) {
    const a = el("a", p.link);
    a.href = p.link;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    const line = el("p");
    line.append("On its platform: ", a);
    parts.push(line);
  }
  const rate = el("p");
  rate.title = "Mean likes and shares per original post, as the platform counted them, over the followers";
  rate.textContent = p.engagement_rate === null
    ? "No engagement rate: it needs a follower count and original posts with like or share counts."
    : `Engagement rate ${percent(p.engagement_rate)} over ${fmt(p.rated_posts)} original post${p.rated_posts === 1 ? "" : "s"}` +
      (p.tier_median_rate === null
        ? "."
        : `; the median of the ${fmt(p.tier_accounts)} ${p.tier}-tier accounts in this workspace is ${percent(p.tier_median_rate)}.`);
  parts.push(rate);
  if (p.recent_posts.length) {
    parts.push(el("p", `Latest ${p.recent_posts.length} of its ${fmt(p.posts_in_data)} posts in the data:`));
    const list = el("ul");
    for (const r of p.recent_posts) {
      const li = el("li");
      li.append(`${r.at ? r.at.slice(0, 10) : "undated"}: ${(r.text || "").slice(0, 200)} `);
      if (r.likes !== null || r.shares !== null) li.append(`(${fmt(r.likes || 0)} likes, ${fmt(r.shares || 0)} shares) `);
      if (r.link) {
        const a = el("a", "open");
        a.href = r.link;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        a.setAttribute("aria-label", "open the post on its platform");
        li.append(a);
      }
      list.append(li);
    }
    parts.push(list);
  } else {
    parts.push(el("p", "No posts of its own in the data."));
  }
  card.replaceChildren(...parts);
}

async function showAccount(id) {
  show("account");
  // Another account opened meanwhile takes over the page: this one stops writing to it.
  const mine = (state.accountView = (state.accountView || 0) + 1);
  const still = (x) => {
    if (state.accountView !== mine) throw new Left("left");
    return x;
  };
  // Nothing of the account shown before stays on the page while this one loads, or if it
  // cannot be found.
  $("account-title").textContent = `Loading ${id}…`;
  for (const f of ["account-summary", "trust-summary", "independence-summary", "audit-summary"]) {
    $(f).textContent = "";
  }
  $("engager-rows").replaceChildren();
  $("audit-rows").replaceChildren();
  $("profile-card").textContent = "Loading the profile…";
  // The explanation by authority answers at once; the account's place in the list's own
  // order comes from the workspace's kept ranking (below).
  const e = still(await api(`${base()}/accounts/${encodeURIComponent(id)}/explain?by=authority`).catch((err) => {
    still();
    $("account-title").textContent = id;
    $("profile-card").replaceChildren();
    throw err;
  }));
  $("account-title").textContent = e.handle ? `@${e.handle} (${e.id})` : e.id;
  $("account-summary").textContent =
    `Rank ${fmt(e.rank)} of ${fmt(e.ranked)} by authority (${topShare(e.percentile)}), ` +
    `${e.tier === "unknown" ? "tier unknown (no follower count in the data)" : `${e.tier} tier`}${e.native ? ", native" : ""}; ` +
    `${fmt(e.distinct_engagers)} distinct engagers, confidence ${fmt(e.confidence, 2)}. ` +
    `${fmt(e.baseline_share * 100, 1)}% of the score is the baseline every account gets.`;
  const summary = $("account-summary").textContent;
  api(`${base()}/accounts/${encodeURIComponent(id)}/standing`).then((o) => {
    if ($("account-summary").textContent !== summary) return;
    const b = o.order.blend;
    $("account-summary").textContent = summary + " " + (b && o.blend_parts
      ? `In the leaderboard's order it is ${fmt(o.rank)} (${topShare(o.percentile)}): percentile ${fmt(o.blend_parts.authority, 1)} in authority (weight ${fmt(b.weights.authority, 1)}), ` +
        `${fmt(o.blend_parts.forecast_engagers, 1)} in forecast engagers (${fmt(b.weights.forecast_engagers, 1)}), ` +
        `${fmt(o.blend_parts.distinct_engagers, 1)} in distinct engagers (${fmt(b.weights.distinct_engagers, 1)}), ` +
        `${fmt(o.blend_parts.recent_engagement, 1)} in recent engagement (${fmt(b.weights.recent_engagement, 1)}).`
      : orderText(o.order));
  }, () => {});
  const rows = e.engagers.slice(0, 50).map((g) => {
    const tr = document.createElement("tr");
    const link = document.createElement("a");
    link.href = `#account/${encodeURIComponent(g.id)}`;
    link.textContent = g.handle ? `@${g.handle}` : g.id;
    cell(tr, "").appendChild(link);
    cell(tr, `${fmt(g.share_of_score * 100, 1)}%`, true);
    cell(tr, fmt(g.given.reply), true);
    cell(tr, fmt(g.given.mention), true);
    cell(tr, fmt(g.given.share), true);
    cell(tr, fmt(g.given.quote), true);
    cell(tr, fmt(g.given.like), true);
    cell(tr, g.follows ? "yes" : "no");
    return tr;
  });
  $("engager-rows").replaceChildren(...rows);
  downloads("engager-rows", `${base()}/accounts/${encodeURIComponent(id)}/explain`);
  showProfile(still(await api(`${base()}/accounts/${encodeURIComponent(id)}/profile`).catch((err) => {
    still();
    $("profile-card").textContent = `No profile: ${err.message}`;
    return null;
  })));
  $("trust-summary").textContent = await api(`${base()}/trust?account=${encodeURIComponent(id)}`)
    .then((t) => {
      const a = t.accounts[0];
      return t.source === "ratings"
        ? `Trust ${fmt(a.trust, 2)} from ${fmt(a.ratings_received)} ratings received ` +
            `(goodness ${fmt(a.goodness, 2)}, fairness as a rater ${fmt(a.fairness, 2)}).`
        : `Trust ${fmt(a.trust, 2)} from interactions: answers ` +
            `${a.reciprocity === null ? "—" : fmt(a.reciprocity * 100, 0) + "%"} of the ${fmt(a.talkers)} ` +
            `accounts that talk to it and ${a.response_rate === null ? "—" : fmt(a.response_rate * 100, 0) + "%"} of their questions` +
            (a.reply_tone === null ? "." : `; the replies it receives read ${a.reply_tone > 0.05 ? "positive" : a.reply_tone < -0.05 ? "negative" : "neutral"} on average (${fmt(a.reply_tone, 2)} on −1 to +1).`);
    })
    .catch((e) => `No trust score: ${e.message}`)
    .then(still);
  const ind = still(await api(`${base()}/accounts/${encodeURIComponent(id)}/independence`));
  $("independence-summary").textContent =
    ind.independence === null
      ? "No posts to judge its independence by."
      : `Independence ${fmt(ind.independence, 2)} over ${fmt(ind.posts)} posts: ` +
        `${fmt(ind.sponsored_posts)} sponsored, ${fmt(ind.brand_mention_posts)} mentioning brands` +
        `${ind.reasons.length ? ` (${ind.reasons.join("; ")})` : ""}.`;
  $("audit-summary").textContent = "Auditing…";
  $("audit-rows").replaceChildren();
  const a = still(await api(`${base()}/accounts/${encodeURIComponent(id)}/audit`));
  const real = a.real_audience
    ? `${fmt(a.real_audience.share * 100, 0)}% of its assessed audience looks real ` +
      `(95% interval ${fmt(a.real_audience.low * 100, 0)}–${fmt(a.real_audience.high * 100, 0)}%, n = ${fmt(a.real_audience.n)})`
    : "its audience could not be assessed";
  const signs = a.publisher_signs.length ? ` (${a.publisher_signs.join("; ")})` : "";
  $("audit-summary").textContent =
    `${a.verdict}${signs}: chance of automation ${fmt(a.bot_probability * 100, 0)}% on ${a.evidence} of ` +
    `${a.model_features} features the model uses; ${real}` +
    `${a.pods ? `; member of ${a.pods} engagement pod(s)` : ""}.`;
  $("audit-rows").replaceChildren(
    ...a.reasons.map((r) => {
      const tr = document.createElement("tr");
      // Plain words first; the model's name for the feature in the tooltip.
      cell(tr, r.about).title = r.feature;
      cell(tr, r.value === null ? "not in the data" : fmt(r.value, 2), true);
      cell(tr, `${r.contribution > 0 ? "+" : ""}${fmt(r.contribution, 2)}`, true);
      return tr;
    }),
  );
}

// A force-directed layout of the communities, computed here (a few dozen nodes at most):
// circles sized by members, lines weighted by the engagement between communities.
function layout(nodes, links, width, height) {
  nodes.forEach((n, i) => {
    const a = (2 * Math.PI * i) / nodes.length;
    n.x = width / 2 + (width / 3) * Math.cos(a);
    n.y = height / 2 + (height / 3) * Math.sin(a);
  });
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const maxE = Math.max(1, ...links.map((l) => l.engagements));
  for (let step = 0; step < 300; step++) {
    const cool = 1 - step / 300;
    for (const a of nodes) {
      a.fx = (width / 2 - a.x) * 0.01;
      a.fy = (height / 2 - a.y) * 0.01;
      for (const b of nodes) {
        if (a === b) continue;
        const dx = a.x - b.x, dy = a.y - b.y;
        const d2 = Math.max(dx * dx + dy * dy, 1);
        const push = (6000 + 60 * (a.r + b.r) ** 1.5) / d2;
        a.fx += dx * push / Math.sqrt(d2);
        a.fy += dy * push / Math.sqrt(d2);
      }
    }
    for (const l of links) {
      const a = nodes[index.get(l.a)], b = nodes[index.get(l.b)];
      if (!a || !b) continue;
      const pull = 0.006 * (0.2 + l.engagements / maxE);
      const dx = b.x - a.x, dy = b.y - a.y;
      a.fx += dx * pull; a.fy += dy * pull;
      b.fx -= dx * pull; b.fy -= dy * pull;
    }
    for (const n of nodes) {
      n.x = Math.min(width - n.r, Math.max(n.r, n.x + n.fx * cool));
      // Room below each circle for its label.
      n.y = Math.min(height - n.r - 16, Math.max(n.r, n.y + n.fy * cool));
    }
  }
}

function svg(tag, attributes) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  return e;
}

function describe(c) {
  const box = $("community-detail");
  box.replaceChildren();
  const h = document.createElement("h3");
  h.textContent = `Community ${c.id}: ${fmt(c.size)} members, ${fmt(c.engagement_inside * 100, 0)}% of their engagement inside`;
  const p = document.createElement("p");
  p.textContent = c.labels.length ? `Talks about: ${c.labels.join(", ")}` : "No distinctive words.";
  const ul = document.createElement("ul");
  for (const m of c.top_members) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `#account/${encodeURIComponent(m.id)}`;
    a.textContent = m.handle ? `@${m.handle}` : m.id;
    li.appendChild(a);
    ul.appendChild(li);
  }
  const board = document.createElement("button");
  board.type = "button";
  board.textContent = `Leaderboard of community ${c.id}`;
  board.addEventListener("click", () => {
    $("community").value = c.id;
    state.offset = 0;
    location.hash = "#leaderboard";
  });
  box.append(h, p, ul, board);
}

async function showCommunities() {
  show("communities");
  $("communities-summary").textContent = "Finding the communities…";
  const c = await runJob({ kind: "communities", top: 20 }, "Communities").catch(shownIn("communities-summary"));
  $("communities-summary").textContent =
    `${fmt(c.n_communities)} communities hold ${fmt(c.accounts_in_communities)} accounts ` +
    `(how cleanly they separate, 0 to 1: ${fmt(c.modularity, 2)}, the modularity); the ${c.communities.length} largest are drawn. ` +
    "Select a circle (or Tab to it and press Enter) for its members.";
  const width = 800, height = 520;
  const maxSize = Math.max(1, ...c.communities.map((k) => k.size));
  const nodes = c.communities.map((k) => ({ id: k.id, k, r: 10 + 38 * Math.sqrt(k.size / maxSize) }));
  layout(nodes, c.links, width, height);
  const map = $("map");
  map.replaceChildren($("map-title") || svg("title", {}));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const maxE = Math.max(1, ...c.links.map((l) => l.engagements));
  for (const l of c.links) {
    const a = byId.get(l.a), b = byId.get(l.b);
    if (!a || !b) continue;
    map.appendChild(svg("line", {
      x1: a.x, y1: a.y, x2: b.x, y2: b.y,
      "stroke-width": 1 + 6 * Math.log1p(l.engagements) / Math.log1p(maxE),
    }));
  }
  for (const n of nodes) {
    const circle = svg("circle", {
      cx: n.x, cy: n.y, r: n.r, tabindex: 0, role: "button",
      "aria-label": `Community ${n.id}, ${n.k.size} members${n.k.labels.length ? ", about " + n.k.labels.slice(0, 3).join(", ") : ""}`,
    });
    circle.addEventListener("click", () => describe(n.k));
    circle.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        describe(n.k);
      }
    });
    const label = svg("text", { x: n.x, y: n.y + n.r + 13, "text-anchor": "middle" });
    label.textContent = n.k.labels[0] || `#${n.id}`;
    map.append(circle, label);
  }
  if (c.communities.length) describe(c.communities[0]);
  jobDownloads("community-detail", c, "communities", `Download the ${c.communities.length} largest communities with their top members: `);
  await showStability();
}

async function showStability() {
  const days = Number($("window-days").value);
  $("stability-summary").textContent = "Finding the communities of every window…";
  // Only the windows' communities: the whole workspace's are on the map already.
  const stability = await runJob({ kind: "stability", window_days: days }, "Stability over time").catch(
    shownIn("stability-summary"),
  );
  // Pairs of windows that share fewer than ten active accounts say next to nothing about
  // stability (a partition of two accounts agrees perfectly or not at all).
  const all = stability.windows;
  const windows = all.filter((w) => w.accounts_in_both >= 10);
  const skipped = all.length - windows.length;
  const chart = $("stability-chart");
  chart.hidden = $("stability-table").hidden = windows.length === 0;
  if (!windows.length) {
    $("stability-summary").textContent =
      `No two consecutive ${days}-day windows both hold engagement` +
      `${stability.untimed_engagements ? ` (${fmt(stability.untimed_engagements)} engagements have no time)` : ""}.`;
    return;
  }
  const mean = (k) => windows.reduce((s, w) => s + w[k], 0) / windows.length;
  $("stability-summary").textContent =
    `${windows.length} pairs of consecutive ${days}-day windows: on average the communities stay ` +
    `${fmt(mean("nmi"), 2)} alike (NMI) and agree ${fmt(mean("ari"), 2)} beyond chance (ARI); ` +
    `1 means the same communities, 0 no more alike than chance` +
    `${skipped ? `; ${skipped} pairs with fewer than 10 accounts active in both are left out` : ""}.`;
  const width = 800, height = 220, left = 40, right = 20, top = 15, bottom = 35;
  const x = (i) => left + (windows.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (windows.length - 1));
  const y = (v) => top + (1 - Math.max(0, Math.min(1, v))) * (height - top - bottom);
  chart.replaceChildren($("stability-title"));
  for (const v of [0, 0.5, 1]) {
    chart.appendChild(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "grid" }));
    const t = svg("text", { x: 4, y: y(v) + 4 });
    t.textContent = v.toFixed(1);
    chart.appendChild(t);
  }
  // Plain words on the lines; the technical measure in a tooltip.
  for (const [k, label, term, dy] of [
    ["nmi", "how alike", "Normalised mutual information (NMI)", -6],
    ["ari", "agreement beyond chance", "Adjusted Rand index (ARI)", 14],
  ]) {
    const points = windows.map((w, i) => `${x(i)},${y(w[k])}`).join(" ");
    chart.appendChild(svg("polyline", { points, class: k }));
    const t = svg("text", { x: x(windows.length - 1) - 4, y: y(windows[windows.length - 1][k]) + dy, "text-anchor": "end" });
    t.textContent = label;
    const tip = svg("title", {});
    tip.textContent = term;
    t.appendChild(tip);
    chart.appendChild(t);
  }
  // At most eight date labels, evenly spread.
  const every = Math.max(1, Math.ceil(windows.length / 8));
  windows.forEach((w, i) => {
    if (i % every) return;
    // The first and last labels lean inward, so that no date is cut at the chart's edge.
    const anchor = windows.length > 1 && i === windows.length - 1 ? "end" : i === 0 ? "start" : "middle";
    const t = svg("text", { x: x(i), y: height - 12, "text-anchor": anchor });
    t.textContent = w.after[0];
    chart.appendChild(t);
  });
  jobDownloads("stability-rows", stability, "windows", "Download every pair of windows (those with fewer than ten accounts too): ");
  $("stability-rows").replaceChildren(
    ...windows.map((w) => {
      const tr = document.createElement("tr");
      cell(tr, `${w.before[0]}–${w.before[1]} → ${w.after[0]}–${w.after[1]}`);
      cell(tr, fmt(w.accounts_in_both), true);
      cell(tr, fmt(w.nmi, 2), true);
      cell(tr, fmt(w.ari, 2), true);
      return tr;
    }),
  );
}

const who = (handle, id) => (handle ? `@${handle}` : id);
// A post's day and a link to it on its platform, appended to `el`.
function postSource(el, item) {
  if (item.at_ms !== null && item.at_ms !== undefined) {
    el.append(` (${new Date(item.at_ms).toISOString().slice(0, 10)}`);
  } else {
    el.append(" (undated");
  }
  if (item.link) {
    el.append(", ");
    const a = document.createElement("a");
    a.href = item.link;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    a.textContent = "open";
    a.setAttribute("aria-label", "open the post on its platform");
    el.append(a);
  }
  el.append(")");
}

async function showUgc() {
  show("ugc");
  const q = new URLSearchParams({ top: 50 });
  for (const [param, id] of [["kind", "ugc-kind"], ["sentiment", "ugc-sentiment"], ["language", "ugc-language"], ["brand", "ugc-brand"], ["query", "ugc-query"]]) {
    const v = $(id).value.trim();
    if (v) q.set(param, v);
  }
  // Reading a large workspace's posts takes a moment: say so, and never leave the last
  // query's posts under an error.
  $("ugc-summary").textContent = "Reading the captured posts…";
  const r = await api(`${base()}/ugc?${q}`).catch((e) => {
    $("ugc-threads").replaceChildren();
    $("ugc-rows").replaceChildren();
    return shownIn("ugc-summary")(e);
  });
  downloads("ugc-rows", `${base()}/ugc`, { ...Object.fromEntries(q), top: 1000, table: "posts" });
  downloads("ugc-threads", `${base()}/ugc`, { ...Object.fromEntries(q), table: "threads" });
  $("ugc-summary").textContent =
    `${fmt(r.posts)} posts captured: ` + r.by_kind.map((k) => `${fmt(k.posts)} ${k.kind}`).join(", ") + ".";
  $("ugc-threads").replaceChildren(
    ...r.threads.slice(0, 20).map((t) => {
      const li = document.createElement("li");
      const q = document.createElement("p");
      q.textContent = `${who(t.question.handle, t.question.author)} asks: ${t.question.text}`;
      postSource(q, t.question);
      li.appendChild(q);
      const a = document.createElement("p");
      a.textContent = t.best_answer
        ? `Best of ${t.answers} answer(s)${t.abusive_answers ? ` (${t.abusive_answers} abusive left out)` : ""}, ${who(t.best_answer.handle, t.best_answer.author)}: ${t.best_answer.text}`
        : t.abusive_answers
          ? `No answer fit to show: ${t.abusive_answers} of ${t.answers} are abusive.`
          : "No answer yet.";
      if (t.best_answer) postSource(a, t.best_answer);
      li.appendChild(a);
      return li;
    }),
  );
  $("ugc-caption").textContent = `${fmt(r.matching)} posts match; the ${r.items.length} most engaged` +
    (q.get("brand") ? `; sentiment towards ${q.get("brand")}` : "");
  $("ugc-rows").replaceChildren(
    ...r.items.map((i) => {
      const tr = document.createElement("tr");
      const kind = cell(tr, i.kind);
      kind.title = i.reasons.join("; ");
      // Towards a brand, say when only part of the post (or the other side of a comparison)
      // was read.
      const partial = i.towards_brand === "its clauses" || i.towards_brand === "compared";
      const sentiment = cell(tr, partial ? `${i.sentiment} towards ${q.get("brand")} (${i.towards_brand})` : i.sentiment);
      if (partial) sentiment.title = "The post speaks of other brands or accounts too: this is its sentiment towards the brand";
      cell(tr, who(i.handle, i.author));
      postSource(cell(tr, i.near_duplicates ? `${i.text} (and ${i.near_duplicates} more like it)` : i.text), i);
      cell(tr, fmt(i.engagement), true);
      return tr;
    }),
  );
}

function accountLink(id, handle) {
  const a = document.createElement("a");
  a.href = `#account/${encodeURIComponent(id)}`;
  a.textContent = handle ? `@${handle}` : id;
  return a;
}

// Previous/next buttons and the "first–last of total" text of a paged table.
function pager(prefix, offset, shown, total, limit) {
  $(`${prefix}-page`).textContent = shown
    ? `${fmt(offset + 1)}–${fmt(offset + shown)} of ${fmt(total)}`
    : "none";
  $(`${prefix}-prev`).disabled = offset === 0;
  $(`${prefix}-next`).disabled = offset + limit >= total;
}

async function showAudit() {
  show("audit");
  $("audit-all-summary").textContent = "Auditing every account…";
  await runJob({ kind: "audit" }, "Audit of every account").catch(shownIn("audit-all-summary"));
  const a = await api(`${base()}/audit?${sorted("auditSort", { offset: state.auditOffset, limit: state.limit })}`);
  downloads("audit-all-rows", `${base()}/audit`, Object.fromEntries(sorted("auditSort", { table: "accounts" })));
  downloads("pod-rows", `${base()}/audit`, { table: "pods" });
  $("audit-all-summary").textContent =
    `${fmt(a.accounts_audited)} accounts audited: ${fmt(a.humans)} people, ` +
    `${fmt(a.publishers)} organisations or publishers (automated, but not fake), ` +
    `${fmt(a.likely_bots)} likely fakes or bots, ${fmt(a.too_little_data)} with too little data ` +
    `for a verdict. Automated means a chance of automation of ${fmt(a.threshold * 100, 0)}% or more, ` +
    `with ${fmt(a.bot_share * 100, 0)}% of accounts expected to be bots. ` +
    `Model: ${a.model.source}, trained on ${a.model.trained_on}.`;
  $("audit-all-rows").replaceChildren(
    ...a.accounts.map((x) => {
      const tr = document.createElement("tr");
      cell(tr, "").appendChild(accountLink(x.id, x.handle));
      cell(tr, x.verdict);
      cell(tr, `${fmt(x.bot_probability * 100, 0)}%`, true);
      cell(tr, x.real_audience ? `${fmt(x.real_audience.share * 100, 0)}%` : "—", true);
      const top = x.reasons[0];
      const reason = cell(tr, "");
      if (top) {
        reason.textContent = top.about;
        reason.title = top.feature;
      } else {
        // Reasons are worked out for the most suspicious accounts only; the account's page
        // works them out for it.
        const more = document.createElement("a");
        more.href = `#account/${encodeURIComponent(x.id)}`;
        more.textContent = "on its page";
        more.title = "The reasons are worked out for the most suspicious accounts; the account's page shows them for this one";
        reason.appendChild(more);
      }
      cell(tr, fmt(x.pods), true);
      return tr;
    }),
  );
  pager("audit", a.offset, a.accounts.length, a.accounts_audited, state.limit);
  $("pods-caption").textContent = a.pods.length
    ? `${fmt(a.pods.length)} groups that like and share each other's posts fast and often`
    : "No engagement pods found";
  $("pod-rows").replaceChildren(
    ...a.pods.map((p) => {
      const tr = document.createElement("tr");
      cell(tr, p.pod, true);
      const td = cell(tr, "");
      p.members.forEach((m, i) => {
        if (i) td.append(", ");
        td.appendChild(accountLink(m.id, m.handle));
      });
      cell(tr, fmt(p.score, 2), true);
      cell(tr, `${fmt(p.density * 100, 0)}%`, true);
      cell(tr, `${fmt(p.reciprocity * 100, 0)}%`, true);
      cell(tr, `${fmt(p.fast_share * 100, 0)}%`, true);
      cell(tr, fmt(p.events), true);
      return tr;
    }),
  );
}

async function showSegments() {
  show("segments");
  const q = sorted("segmentSort", { offset: state.segmentOffset, limit: state.limit });
  if ($("segment").value) q.set("segment", $("segment").value);
  const r = await api(`${base()}/segments?${q}`);
  downloads("segment-rows", `${base()}/segments`, Object.fromEntries(q));
  // Bars: one per segment, labelled with its count and share.
  const chart = $("segments-chart");
  chart.replaceChildren(chart.firstElementChild);
  const total = Math.max(1, r.by_segment.reduce((n, s) => n + s.accounts, 0));
  const most = Math.max(1, ...r.by_segment.map((s) => s.accounts));
  r.by_segment.forEach((s, i) => {
    const y = 10 + i * 40;
    const label = svg("text", { x: 0, y: y + 20, class: "label" });
    label.textContent = s.segment;
    const bar = svg("rect", { x: 110, y, height: 28, width: Math.max(1, (520 * s.accounts) / most), class: "bar" });
    const value = svg("text", { x: 120 + (520 * s.accounts) / most, y: y + 20, class: "label" });
    value.textContent = `${fmt(s.accounts)} (${fmt((100 * s.accounts) / total, 0)}%)`;
    chart.append(label, bar, value);
  });
  $("segments-caption").textContent = `${fmt(r.matching)} accounts${$("segment").value ? ` of segment ${$("segment").value}` : ""}, most active first`;
  $("segment-rows").replaceChildren(
    ...r.accounts.map((a) => {
      const tr = document.createElement("tr");
      cell(tr, "").appendChild(accountLink(a.id, a.handle));
      cell(tr, a.segment);
      for (const k of ["created", "consumed", "posts", "answers", "shares_received", "shares_given", "likes_given", "replies_given"]) {
        cell(tr, fmt(a[k]), true);
      }
      return tr;
    }),
  );
  pager("segments", r.offset, r.accounts.length, r.matching, state.limit);
  await showGroups();
}

async function showGroups() {
  const g = await api(`${base()}/groups?top=20`).catch(() => null);
  $("groups-table").hidden = !g || !g.total;
  if (!g || !g.total) {
    $("groups-summary").textContent = "No groups in this workspace (Reddit and X/Twitter list exports bring them).";
    $("group-rows").replaceChildren();
    return;
  }
  $("groups-summary").textContent = `${fmt(g.total)} groups; ${fmt(g.posts_in_groups)} posts were made in one.`;
  downloads("group-rows", `${base()}/groups`, { top: 0 });
  $("group-rows").replaceChildren(
    ...g.groups.map((x) => {
      const tr = document.createElement("tr");
      cell(tr, x.name || x.id);
      cell(tr, x.members === null ? "unknown" : fmt(x.members), true);
      cell(tr, fmt(x.posts), true);
      cell(tr, fmt(x.posters), true);
      cell(tr, x.first_post ? (x.first_post === x.last_post ? x.first_post : `${x.first_post} – ${x.last_post}`) : "");
      return tr;
    }),
  );
}

async function showClaims() {
  show("claims");
  $("claims-summary").textContent = "Finding claims…";
  const q = new URLSearchParams({ top: "50" });
  if ($("claim-kind").value) q.set("kind", $("claim-kind").value);
  if ($("claim-verdict").value) q.set("verdict", $("claim-verdict").value);
  const r = await api(`${base()}/claims?${q}`);
  $("claims-summary").textContent =
    `${fmt(r.spreading)} claims reached two accounts or more (of ${fmt(r.found)} found in ${fmt(r.posts)} posts).` +
    (r.named ? ` Claims files name ${fmt(r.named)} claims, ${fmt(r.named_not_found)} of them carried by no post here.` : "") +
    ` The ${fmt(r.claims.length)} that reached the most accounts:`;
  $("claim-rows").replaceChildren(
    ...r.claims.map((c) => {
      const tr = document.createElement("tr");
      const a = document.createElement("a");
      a.href = `#claim/${encodeURIComponent(c.id)}`;
      a.textContent = c.label.length > 90 ? `${c.label.slice(0, 89)}…` : c.label;
      cell(tr, "").appendChild(a);
      cell(tr, c.kind === "text" ? "story" : c.kind);
      cell(tr, fmt(c.accounts), true);
      cell(tr, fmt(c.posts), true);
      cell(tr, fmt(c.depth), true);
      cell(tr, fmt(c.structural_virality, 2), true);
      cell(tr, c.hours_to_10_accounts === null ? "not reached" : fmt(c.hours_to_10_accounts, 1), true);
      cell(tr, c.first ? c.first.slice(0, 10) : "");
      cell(tr, c.fact_check ? (c.fact_check.verdict || "not judged") : "");
      return tr;
    }),
  );
  showSpreaders(r.named).catch(report);
}

// The accounts that spread claims judged false again and again (claims files give verdicts).
async function showSpreaders(named) {
  if (!named) {
    $("spreaders-table").hidden = true;
    $("spreaders-summary").textContent =
      "No claims file names claims in this workspace, so no spread is judged: import `claim` and `verdict` records (docs/FORMAT.md) to see who spreads claims judged false.";
    return;
  }
  $("spreaders-summary").textContent = "Reading the spreaders' records…";
  const r = await api(`${base()}/spreaders?top=20`);
  $("spreaders-summary").textContent =
    `${fmt(r.judged_found)} judged claims found in the posts (${fmt(r.found_false)} false, ${fmt(r.found_true)} true, ${fmt(r.found_mixed + r.found_unverified)} mixed or unverified); ` +
    `${fmt(r.repeat_spreaders)} of the ${fmt(r.accounts_with_record)} accounts with a record spread two or more false ones.`;
  $("spreaders-table").hidden = !r.spreaders.length;
  $("spreader-rows").replaceChildren(
    ...r.spreaders.map((s) => {
      const tr = document.createElement("tr");
      cell(tr, "").appendChild(accountLink(s.account, s.handle));
      cell(tr, s.followers === null ? "unknown" : fmt(s.followers), true);
      cell(tr, fmt(s.spread_false), true);
      cell(tr, fmt(s.spread_true), true);
      cell(tr, `${fmt(100 * s.false_share, 0)}%`, true);
      cell(tr, s.first_false ? s.first_false.slice(0, 16).replace("T", " ") : "");
      return tr;
    }),
  );
}

async function showClaim(id) {
  show("claim");
  $("claim-title").textContent = "Claim";
  $("claim-summary").textContent = "Following its cascades, auditing who they reached and reading its replies…";
  for (const t of ["claim-communities", "claim-spreaders", "claim-replies"]) $(t).replaceChildren();
  const chart = $("claim-chart");
  chart.replaceChildren(chart.firstElementChild);
  // Everything but whom it reached first: auditing every account and finding the
  // communities take most of the time on a large workspace.
  const d = await api(`${base()}/claim?${new URLSearchParams({ id, top: "10", reach: "false" })}`);
  const c = d.claim;
  $("claim-title").textContent = c.label.length > 120 ? `${c.label.slice(0, 119)}…` : c.label;
  const speed = [["10", c.hours_to_10_accounts], ["100", c.hours_to_100_accounts], ["1,000", c.hours_to_1000_accounts]]
    .filter(([, h]) => h !== null)
    .map(([n, h]) => `${n} accounts in ${fmt(h, 1)} h`);
  $("claim-summary").textContent =
    `${c.id} (${c.kind === "text" ? "story" : c.kind}): ${fmt(c.carriers)} ${c.carriers === 1 ? "post carries" : "posts carry"} it; ` +
    `${c.cascades === 1 ? "its cascade holds" : `its ${fmt(c.cascades)} cascades hold`} ${fmt(c.posts)} posts by ${fmt(c.accounts)} accounts, ` +
    `${fmt(c.depth)} deep, at most ${fmt(c.max_breadth)} at one depth; structural virality ${fmt(c.structural_virality, 2)}` +
    (c.first ? `; from ${c.first.slice(0, 16).replace("T", " ")} to ${c.last.slice(0, 16).replace("T", " ")} UTC` : "") +
    (speed.length ? `; ${speed.join(", ")}.` : ".");
  const f = c.fact_check;
  const rec = d.spreaders_record;
  const lines = [];
  if (f) {
    const checks = f.verdicts.map((v) => `${v.verdict} by ${v.source || "an unnamed source"}${v.at ? ` (${v.at.slice(0, 10)})` : ""}`);
    lines.push(`Fact-checked as ${f.verdict || "not judged"} (${f.id}${f.title ? `, ${f.title}` : ""}): ${checks.length ? checks.join("; ") : "no verdict yet"}.`);
  }
  if (rec) {
    lines.push(rec.with_record
      ? `Its spreaders' record: ${fmt(rec.with_record)} of its ${fmt(rec.spreaders)} spreaders spread other judged claims; their mean false share is ${fmt(100 * rec.score, 0)}% against ${fmt(100 * rec.base_rate, 0)}% of the ${fmt(rec.judged_claims)} other judged claims (a score, not a probability: on FakeNewsNet it tells fake from real with an AUC of 0.90–0.95).`
      : `Its spreaders' record: ${rec.spreaders === 1 ? "its one spreader spread none" : `none of its ${fmt(rec.spreaders)} spreaders spread any`} of the ${fmt(rec.judged_claims)} other judged claims.`);
  }
  $("claim-factcheck").hidden = !lines.length;
  $("claim-factcheck").textContent = lines.join(" ");
  // Posts and new accounts per day: two bars a day.
  const days = d.timeline.slice(-40);
  const most = Math.max(1, ...days.map((x) => x.posts));
  const w = Math.max(4, Math.min(100, 760 / Math.max(1, days.length)));
  // The first and last days are named under their bars: the first from its left edge, the
  // last up to its right edge, the last left out if the two would overlap (one day).
  const labelWidth = 84;
  days.forEach((x, i) => {
    const x0 = 30 + i * w;
    const h = (150 * x.posts) / most;
    const hn = (150 * x.new_accounts) / most;
    chart.append(
      svg("rect", { x: x0, y: 170 - h, width: w * 0.45, height: Math.max(1, h), class: "bar" }),
      svg("rect", { x: x0 + w * 0.45, y: 170 - hn, width: w * 0.45, height: Math.max(1, hn), class: "bar-alt" }),
    );
    const last = i === days.length - 1;
    const right = x0 + w * 0.9;
    if (i === 0 || (last && right - labelWidth >= 30 + labelWidth + 6)) {
      const t = svg("text", { x: i === 0 ? x0 : right, y: 190, class: "label", "text-anchor": i === 0 ? "start" : "end" });
      t.textContent = x.day;
      chart.append(t);
    }
  });
  const legend = svg("text", { x: 30, y: 14, class: "label" });
  legend.textContent = `posts (dark) and accounts seen for the first time (light) per day; at most ${fmt(most)} posts a day`;
  chart.append(legend);
  $("claim-reach").textContent = "Auditing the accounts it reached and finding their communities…";
  $("claim-communities-table").hidden = true;
  $("claim-network-figure").hidden = true;
  $("claim-spreaders").replaceChildren(
    ...d.spreaders.map((x) => {
      const tr = document.createElement("tr");
      cell(tr, "").appendChild(accountLink(x.account, x.handle));
      cell(tr, fmt(x.posts), true);
      cell(tr, fmt(x.below), true);
      cell(tr, x.carrier ? "carried it" : "answered or shared");
      return tr;
    }),
  );
  const s = d.replies;
  const called = s.support + s.deny + s.query + s.comment;
  const pct = (n) => `${fmt((100 * n) / Math.max(1, called), 0)}%`;
  $("claim-stance").textContent = called + s.unread === 0
    ? "No replies to read the stance of."
    : `Stance of its ${fmt(called + s.unread)} replies: ${fmt(s.support)} support (${pct(s.support)}), ${fmt(s.deny)} deny (${pct(s.deny)}), ` +
      `${fmt(s.query)} query (${pct(s.query)}), ${fmt(s.comment)} comment (${pct(s.comment)})` +
      (s.unread ? `; ${fmt(s.unread)} not read (Italian or empty: the stance model reads English).` : ".") +
      " Denials are the hardest call (F1 about 0.2 on held-out replies, docs/EVALUATION.md): read the examples, not only the count.";
  $("claim-replies-table").hidden = !s.examples.length;
  $("claim-replies").replaceChildren(
    ...s.examples.map((e) => {
      const tr = document.createElement("tr");
      cell(tr, e.stance);
      cell(tr, "").appendChild(accountLink(e.account, e.handle));
      cell(tr, e.at ? e.at.slice(0, 16).replace("T", " ") : "");
      cell(tr, e.text);
      return tr;
    }),
  );
  $("claim-counter").textContent = `socialset counter --claim '${c.id}' --budget 500`;
  const view = location.hash;
  const full = await api(`${base()}/claim?${new URLSearchParams({ id, top: "10" })}`);
  if (location.hash !== view) return;
  showClaimReach(full.reach);
}

// A claim's spread network: depth across, posts down in the order of their cascades'
// leaves (a parent between its first and last child), each dot its author's bot colour.
function drawNetwork(r) {
  const g = $("claim-network");
  g.replaceChildren(g.firstElementChild);
  const nodes = r.network;
  $("claim-network-figure").hidden = !nodes.length;
  if (!nodes.length) return;
  const kids = nodes.map(() => []);
  nodes.forEach((n, i) => {
    if (n.parent !== null) kids[n.parent].push(i);
  });
  const y = new Array(nodes.length).fill(0);
  let leaves = 0;
  const place = (i) => {
    if (!kids[i].length) {
      y[i] = leaves++;
      return;
    }
    kids[i].forEach(place);
    y[i] = (y[kids[i][0]] + y[kids[i][kids[i].length - 1]]) / 2;
  };
  nodes.forEach((n, i) => {
    if (n.parent === null) place(i);
  });
  const deepest = Math.max(1, ...nodes.map((n) => n.depth));
  const at = (i) => [20 + (760 * nodes[i].depth) / deepest, 20 + (340 * y[i]) / Math.max(1, leaves - 1)];
  nodes.forEach((n, i) => {
    if (n.parent === null) return;
    const [x1, y1] = at(n.parent);
    const [x2, y2] = at(i);
    g.append(svg("line", { x1, y1, x2, y2, class: "edge" }));
  });
  const kind = (n) => (n.likely_bot ? "bot" : n.too_little_data || n.bot_probability === null ? "unknown" : n.bot_probability >= 0.5 ? "suspect" : "human");
  nodes.forEach((n, i) => {
    const [cx, cy] = at(i);
    const dot = svg("circle", { cx, cy, r: n.depth === 0 ? 6 : 3.5, class: kind(n) });
    const title = svg("title", {});
    title.textContent = `${n.handle ? `@${n.handle}` : n.account}: bot probability ${n.bot_probability === null ? "unknown" : fmt(n.bot_probability, 2)}${n.likely_bot ? " (likely bot)" : ""}`;
    dot.append(title);
    g.append(dot);
  });
  const count = (k) => nodes.filter((n) => kind(n) === k).length;
  $("claim-network-caption").textContent =
    `${nodes.length < r.network_of ? `The first ${fmt(nodes.length)} of its ${fmt(r.network_of)} posts` : `Its ${fmt(nodes.length)} posts`}, ` +
    `each joined to the post it answers or shares (larger dots start a cascade; depth grows to the right). Colour by the author's bot probability: ` +
    `blue below 0.5 (${fmt(count("human"))}), orange 0.5 or more (${fmt(count("suspect"))}), red likely bot (${fmt(count("bot"))}), grey too little data (${fmt(count("unknown"))}).`;
}

function showClaimReach(r) {
  drawNetwork(r);
  $("claim-reach").textContent =
    `Likely bots, by the audit's built-in model: ${fmt(r.likely_bots)} of the ${fmt(r.accounts)} accounts in its cascades ` +
    `(${fmt(r.judged)} had data enough to judge), making ${fmt((100 * r.posts_by_bots) / Math.max(1, r.posts), 0)}% of its posts. ` +
    (r.communities_known ? `It reached ${fmt(r.communities_reached)} of the workspace's communities.` : "The workspace holds no engagement to find communities in.");
  $("claim-communities-table").hidden = !r.communities.length;
  $("claim-communities").replaceChildren(
    ...r.communities.map((x) => {
      const tr = document.createElement("tr");
      cell(tr, String(x.id), true);
      cell(tr, x.labels.join(" "));
      cell(tr, fmt(x.size), true);
      cell(tr, fmt(x.accounts), true);
      return tr;
    }),
  );
}

async function showDisclosure() {
  show("disclosure");
  $("disclosure-summary").textContent = "Checking the sponsorship labels…";
  // A workspace of interactions only has no posts: said without asking for a check that
  // cannot be made (the browser would log the refusal as an error).
  const stats = await api(`${base()}/stats`).catch(() => null);
  if (stats && !stats.posts) {
    $("disclosure-summary").textContent =
      "This workspace holds no posts, only interactions: there are no sponsorship labels to check. Import posts with their text to check them.";
    $("disclosure-accounts").replaceChildren();
    $("sponsored-rows").replaceChildren();
    $("disclosure-page").textContent = "";
    return;
  }
  const d = await api(`${base()}/disclosure?${sorted("disclosureSort", { offset: state.disclosureOffset, limit: state.limit })}`).catch((e) => {
    // Said where the answer would have been (a workspace of interactions only has no posts).
    $("disclosure-summary").textContent = `${e.message} Nothing to check.`;
    throw new Left("shown");
  });
  const sum = (k) => d.accounts.reduce((n, a) => n + a[k], 0);
  downloads("disclosure-accounts", `${base()}/disclosure`, { table: "accounts" });
  downloads("sponsored-rows", `${base()}/disclosure`, Object.fromEntries(sorted("disclosureSort", { table: "posts" })));
  $("disclosure-summary").textContent = d.sponsored
    ? `${fmt(d.sponsored)} of ${fmt(d.posts_checked)} posts are sponsored (a label, an affiliate link or a discount code): ` +
      `${fmt(sum("compliant"))} say so clearly and early, ${fmt(sum("buried"))} bury the label, ` +
      `${fmt(sum("unclear"))} use an unclear one, ${fmt(sum("undisclosed"))} do not say so at all.`
    : `None of ${fmt(d.posts_checked)} posts is sponsored.`;
  $("disclosure-accounts").replaceChildren(
    ...d.accounts.map((a) => {
      const tr = document.createElement("tr");
      cell(tr, "").appendChild(accountLink(a.id, a.handle));
      for (const k of ["posts", "sponsored", "compliant", "buried", "unclear", "undisclosed"]) cell(tr, fmt(a[k]), true);
      return tr;
    }),
  );
  $("sponsored-rows").replaceChildren(
    ...d.sponsored_posts.map((p) => {
      const tr = document.createElement("tr");
      cell(tr, "").appendChild(accountLink(p.author, p.handle));
      cell(tr, p.verdict);
      cell(tr, [...p.labels, ...p.affiliate_links.map((l) => l.why), ...p.discount_codes.map((c) => `code ${c}`)].join(", "));
      cell(tr, p.excerpt);
      return tr;
    }),
  );
  pager("disclosure", d.offset, d.sponsored_posts.length, d.sponsored, state.limit);
}

function planRows(members, withGain) {
  return members.map((m) => {
    const tr = document.createElement("tr");
    const link = document.createElement("a");
    link.href = `#account/${encodeURIComponent(m.id)}`;
    link.textContent = who(m.handle, m.id);
    cell(tr, "").appendChild(link);
    cell(tr, m.followers === null ? "unknown" : fmt(m.followers), true);
    cell(tr, fmt(m.cost_eur, 0), true);
    if (withGain) cell(tr, m.marginal_reach === null ? "" : `+${fmt(m.marginal_reach, 1)}`, true);
    cell(tr, m.flags.join(", "));
    return tr;
  });
}

// A plan's reach in words: which figure is observable in the data, which interval it is.
const reachText = (s) => {
  const forecast = s.forecast !== null;
  const what = forecast ? "forecast to reach" : "expected (simulated) to reach";
  const kind = forecast ? "95% predictive interval" : "95% interval of the simulation only";
  const nominal = s.nominal_audience === null
    ? "some members' follower counts are unknown"
    : `${fmt(s.nominal_audience)} followers: their nominal audience, which the data cannot observe`;
  return `${s.members.length} members for €${fmt(s.cost_eur, 0)} are ${what} ${fmt(s.reach.mean, 0)} accounts ` +
    `inside the imported data (${kind} ${fmt(s.reach.low, 0)}–${fmt(s.reach.high, 0)}), ` +
    `${fmt(s.reach_per_euro, 2)} per euro; ${nominal}`;
};

// Where a forecast's interval comes from.
const partsText = (f) =>
  ` Where the interval's width comes from (spread of the log of reach): the learned model ${fmt(f.sd_parameters, 2)}, ` +
  `chance in what happens ${fmt(f.sd_outcome, 2)}, ` +
  (f.backtests
    ? `the misses of past forecasts beyond those ${fmt(f.sd_past_forecasts, 2)} (${f.backtests} tried on the history).`
    : "no past forecast could be tried on the history: the interval is not calibrated.");

$("plan-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("plan-summary").textContent = "Planning…";
  try {
    const body = {
      budget_eur: Number($("budget").value),
      compare_professional: $("compare").checked,
      horizon_days: Number($("plan-days").value),
      assume_native_if_unknown: $("assume-native").checked,
    };
    const topic = $("plan-topic").value.trim();
    if (topic) body.topic = topic;
    const until = $("plan-until").value;
    if (until) body.until = until;
    const p = await runJob({ kind: "plan", plan: body }, "Plan");
    let text = `Social Set: ${reachText(p.social_set)}.`;
    if (p.social_set.forecast) text += partsText(p.social_set.forecast);
    if (p.professional) {
      text += ` Professional plan: ${reachText(p.professional)}.`;
      text += " The professionals' followers mostly lie outside the data: the two plans compare only inside it.";
      if (p.audience_overlap) {
        text += ` The two audiences overlap by ${fmt(p.audience_overlap.mean * 100, 1)}%.`;
      }
    } else if (body.compare_professional) {
      text += " No professional plan: no account above the native threshold with a known follower count fits the budget.";
    }
    if (p.left_out_as_bots) text += ` ${fmt(p.left_out_as_bots)} likely fakes or bots were left out.`;
    if (p.left_out_unknown_audience) {
      text += ` ${fmt(p.left_out_unknown_audience)} accounts with unknown follower counts were left out (tick the box to count them as natives).`;
    }
    if (p.learned && p.learned.volume < 10) {
      text += " The data set's activity has faded: little or nothing is expected over the campaign's days. Plan on activity before a date when it was active.";
    }
    $("plan-summary").textContent = text;
    $("plan-rows").replaceChildren(...planRows(p.social_set.members, true));
    jobDownloads("plan-rows", p, "social_set");
    if (p.professional) jobDownloads("pro-rows", p, "professional");
    $("pro-table").hidden = !p.professional;
    $("pro-rows").replaceChildren(...(p.professional ? planRows(p.professional.members, false) : []));
    lastPlan = p;
    $("plan-campaign-form").hidden = !canWrite();
  } catch (e) {
    if (!(e instanceof Left)) $("plan-summary").textContent = e.message;
  }
});

// A value with its 95% interval as text; `percent` shows shares as percentages.
function interval(i, percent, digits = 2) {
  if (!i) return "—";
  const f = (v) => (percent ? `${fmt(v * 100, 1)}%` : fmt(v, digits));
  const value = i.value === null ? "none" : f(i.value);
  return `${value} (${f(i.low)}–${i.high === null ? "∞" : f(i.high)})`;
}

const canWrite = () => ["admin", "analyst"].includes(role());

async function showCampaigns() {
  show("campaigns");
  $("campaign-form").hidden = !canWrite();
  const r = await api(`${base()}/campaigns`);
  downloads("campaign-rows", `${base()}/campaigns`);
  $("campaigns-summary").textContent = r.campaigns.length
    ? `${fmt(r.campaigns.length)} campaigns. Open one for what it earned, natives against professionals.`
    : "No campaigns yet: plan a Social Set and run it as a campaign, or create one here.";
  $("campaign-rows").replaceChildren(
    ...r.campaigns.map((c) => {
      const tr = document.createElement("tr");
      const a = document.createElement("a");
      a.href = `#campaign/${encodeURIComponent(c.name)}`;
      a.textContent = c.name;
      cell(tr, "").appendChild(a);
      cell(tr, c.brand);
      cell(tr, c.objective);
      cell(tr, c.start.slice(0, 10));
      cell(tr, c.end.slice(0, 10));
      cell(tr, `${fmt(c.budget, 0)} ${c.currency}`, true);
      return tr;
    }),
  );
}

// Draws horizontal interval bars: rows of [label, interval], on a shared axis from 0.
function intervalBars(target, rows, unit, markOne) {
  const known = rows.filter(([, i]) => i && i.value !== null);
  target.replaceChildren();
  if (!known.length) {
    const t = svg("text", { x: 10, y: 30, class: "lbl" });
    t.textContent = "Not enough data yet: no conversions on one side.";
    target.appendChild(t);
    return;
  }
  const top = Math.max(markOne ? 1.5 : 0, ...known.map(([, i]) => (i.high === null ? i.value * 3 : i.high)));
  const x = (v) => 260 + Math.min(1, v / top) * 480;
  const height = known.length * 34 + 16;
  target.setAttribute("viewBox", `0 0 800 ${height}`);
  if (markOne) target.appendChild(svg("line", { x1: x(1), x2: x(1), y1: 0, y2: height, class: "one" }));
  known.forEach(([label, i], k) => {
    const y = 22 + k * 34;
    const l = svg("text", { x: 6, y: y + 4, class: "lbl" });
    l.textContent = label;
    target.appendChild(l);
    target.appendChild(svg("line", { x1: x(i.low), x2: i.high === null ? 780 : x(i.high), y1: y, y2: y, class: "ci" }));
    target.appendChild(svg("circle", { cx: x(i.value), cy: y, r: 5, class: "pt" }));
    const v = svg("text", { x: x(i.value) + 8, y: y - 8, class: "lbl" });
    v.textContent = `${interval(i, false)} ${unit}`;
    target.appendChild(v);
  });
}

function funnel(target, t) {
  const steps = [["Engaged accounts", t.reach], ["Engagements", t.engagements], ["Visits", t.clicks], ["Conversions", t.conversions]];
  const max = Math.max(1, ...steps.map((s) => s[1]));
  target.replaceChildren();
  steps.forEach(([label, n], k) => {
    const y = 8 + k * 35;
    const l = svg("text", { x: 6, y: y + 17, class: "lbl" });
    l.textContent = label;
    target.appendChild(l);
    const w = Math.max(1, (n / max) * 520);
    target.appendChild(svg("rect", { x: 200, y, width: w, height: 24, class: "bar" }));
    const v = svg("text", { x: 206 + w, y: y + 17, class: "lbl" });
    v.textContent = fmt(n);
    target.appendChild(v);
  });
}

function timeline(target, days) {
  target.replaceChildren();
  if (!days.length) {
    const t = svg("text", { x: 10, y: 30, class: "lbl" });
    t.textContent = "No visits or conversions yet.";
    target.appendChild(t);
    return;
  }
  // Visits and conversions each on their own scale: conversions are a few per hundred visits.
  const maxVisits = Math.max(1, ...days.map((d) => d.visits));
  const maxConversions = Math.max(1, ...days.map((d) => d.conversions));
  const [w, h] = [800, 150];
  const step = w / days.length;
  days.forEach((d, k) => {
    const x = k * step;
    const vh = (d.visits / maxVisits) * h;
    const ch = (d.conversions / maxConversions) * h;
    const bar = svg("rect", { x, y: h - vh, width: Math.max(0.5, step * 0.45), height: vh, class: "bar" });
    const tip = svg("title", {});
    tip.textContent = `${d.day}: ${d.visits} visits, ${d.conversions} conversions`;
    bar.appendChild(tip);
    target.appendChild(bar);
    target.appendChild(svg("rect", { x: x + step * 0.45, y: h - ch, width: Math.max(0.5, step * 0.45), height: ch, class: "bar2" }));
  });
  const scale = svg("text", { x: w / 2, y: h + 18, class: "lbl", "text-anchor": "middle" });
  scale.textContent = `highest day: ${fmt(maxVisits)} visits, ${fmt(maxConversions)} conversions`;
  target.appendChild(scale);
  for (const [x, anchor, text] of [[0, "start", days[0].day], [w, "end", days[days.length - 1].day]]) {
    const t = svg("text", { x, y: h + 18, class: "lbl", "text-anchor": anchor });
    t.textContent = text;
    target.appendChild(t);
  }
}

async function showCampaign(name) {
  show("campaign");
  $("campaign-title").textContent = `Campaign ${name}`;
  $("campaign-verdict").textContent = "Reading the campaign…";
  const path = `${base()}/campaigns/${encodeURIComponent(name)}`;
  const [r, m] = await Promise.all([api(`${path}/report`), api(`${path}/members`)]);
  const c = r.campaign;
  const cur = c.currency;
  $("campaign-meta").textContent = `${c.brand} · ${c.start.slice(0, 10)} to ${c.end.slice(0, 10)} · objective ${c.objective} · budget ${fmt(c.budget, 0)} ${cur} · links lead to ${c.destination} · attribution window ${r.window_days} days`;
  $("campaign-simulated").hidden = !r.simulated;
  $("campaign-simulated").textContent = r.simulated
    ? `Simulated: the ${r.simulated} of this campaign were made up for a demonstration (${fmt(r.simulated_orders)} orders). They are not real results.`
    : "";
  $("campaign-verdict").textContent = r.comparison.sentence;
  intervalBars($("campaign-compare"), [
    [`Cost per acquisition, natives (${cur})`, r.natives.cost_per_acquisition],
    [`Cost per acquisition, professionals (${cur})`, r.professionals.cost_per_acquisition],
  ], cur, false);
  intervalBars($("campaign-ratio"), [
    ["Cost per acquisition, natives / pros", r.comparison.cpa_ratio],
    ["Cost per engagement, natives / pros", r.comparison.cpe_ratio],
  ], "×", true);
  funnel($("campaign-funnel"), r.total);
  $("campaign-funnel-caption").textContent =
    "Funnel: accounts that engaged with the campaign posts, engagements, visits through the tracking links, conversions." +
    (r.posts.length
      ? ` ${fmt(r.posts.length)} campaign posts found in the imported data.`
      : " No campaign post was found in the imported data (a member's post in the campaign's time carrying its link, code or hashtag): import the members' posts to see their reach and engagement.");
  timeline($("campaign-timeline"), r.timeline);
  $("campaign-roles").replaceChildren(
    ...[["Natives", r.natives], ["Professionals", r.professionals], ["Campaign", r.total]].map(([label, f]) => {
      const tr = document.createElement("tr");
      cell(tr, label);
      cell(tr, fmt(f.members), true);
      cell(tr, `${fmt(f.cost, 0)} ${cur}`, true);
      cell(tr, fmt(f.clicks), true);
      cell(tr, fmt(f.conversions), true);
      cell(tr, interval(f.conversion_rate, true));
      cell(tr, interval(f.cost_per_acquisition, false));
      cell(tr, interval(f.return_on_spend, false));
      cell(tr, interval(f.cost_per_engagement, false));
      return tr;
    }),
  );
  const links = new Map(m.members.map((x) => [x.account, x.link]));
  $("campaign-members").replaceChildren(
    ...r.members.map((x) => {
      const tr = document.createElement("tr");
      cell(tr, "").appendChild(accountLink(x.account, x.handle));
      cell(tr, x.role);
      cell(tr, x.status);
      cell(tr, `${location.origin}/r/${links.get(x.account) || x.link}`);
      cell(tr, x.promo_code);
      cell(tr, fmt(x.fee, 0), true);
      cell(tr, fmt(x.figures.clicks), true);
      cell(tr, fmt(x.figures.conversions), true);
      cell(tr, interval(x.figures.conversion_rate, true));
      cell(tr, interval(x.figures.cost_per_acquisition, false));
      return tr;
    }),
  );
  const k = r.clicks;
  const u = r.unclaimed;
  $("campaign-clicks").textContent =
    `Clicks: ${fmt(k.requests)} requests, ${fmt(k.visits)} visits from ${fmt(k.unique_visitors)} visitors; not counted: ` +
    `${fmt(k.repeats)} repeats within 30 minutes, ${fmt(k.crawlers)} crawlers, ${fmt(k.previews)} link previews, ${fmt(k.prefetches)} prefetches. ` +
    `Orders nobody can claim, counted apart: ${fmt(u.orders)} (${fmt(u.revenue, 2)} ${cur})` +
    (u.by_reason.length ? `: ${u.by_reason.map((x) => `${fmt(x.orders)} ${x.reason}`).join("; ")}.` : ".");
  $("campaign-reach").textContent = r.reach
    .map((x) => `The ${x.role}s: the plan predicted a reach of ${interval(x.predicted, false, 0)}; their campaign posts reached ${fmt(x.observed)} accounts that engaged.`)
    .join(" ");
  $("campaign-voice").replaceChildren(
    ...r.voice.map((v) => {
      const tr = document.createElement("tr");
      cell(tr, v.period);
      cell(tr, fmt(v.mentions), true);
      cell(tr, interval(v.mentions_per_day, false));
      cell(tr, interval(v.question_share, true));
      cell(tr, interval(v.positive_share, true));
      return tr;
    }),
  );
  $("campaign-html").href = `${path}/report?format=html`;
  $("campaign-csv").href = `${path}/report?format=csv`;
}

$("campaign-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const out = $("campaign-created");
  try {
    const c = await api(`${base()}/campaigns`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: $("c-name").value.trim(),
        brand: $("c-brand").value.trim(),
        start: $("c-start").value,
        end: $("c-end").value,
        budget: Number($("c-budget").value),
        currency: $("c-currency").value.trim().toUpperCase(),
        destination: $("c-destination").value.trim(),
        hashtags: $("c-hashtags").value.split(",").map((h) => h.trim()).filter(Boolean),
      }),
    });
    out.textContent = `Created ${c.campaign.name}. Its webhook secret, shown only now (the shop signs conversions with it): ${c.webhook_secret}`;
    await showCampaigns();
  } catch (e) {
    out.textContent = e.message;
  }
});

// The last plan made, to run as a campaign.
let lastPlan = null;

$("plan-campaign-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const out = $("plan-campaign-result");
  try {
    const name = $("pc-name").value.trim();
    await api(`${base()}/campaigns`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name,
        brand: $("pc-brand").value.trim(),
        start: $("pc-start").value,
        end: $("pc-end").value,
        budget: lastPlan.budget_eur,
        destination: $("pc-destination").value.trim(),
      }),
    });
    await api(`${base()}/campaigns/${encodeURIComponent(name)}/members`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ plan: lastPlan }),
    });
    location.hash = `#campaign/${encodeURIComponent(name)}`;
  } catch (e) {
    out.textContent = e.message;
  }
});

$("classify-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const out = $("classify-result");
  try {
    const brands = $("classify-towards").value.split(",").map((b) => b.trim()).filter(Boolean);
    const c = await api("/api/sentiment", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        text: $("classify-text").value,
        model: $("classify-model").value,
        // "tim, fastweb": towards the first, the rest other brands the post may name.
        towards: brands[0] || null,
        others: brands.slice(1),
      }),
    });
    const drivers = c.drivers.slice(0, 3).map((d) => d.feature).join(", ");
    const towards = c.towards ? ` towards ${brands[0]} (${c.towards})` : "";
    out.textContent = `${c.kind}, ${c.polarity}${towards} (${c.language}, score ${fmt(c.score, 2)})` +
      `${c.reasons.length ? `; cues: ${c.reasons.join(", ")}` : ""}${drivers ? `; words: ${drivers}` : ""}`;
  } catch (e) {
    out.textContent = e.message;
  }
});

$("claim-filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  showClaims().catch(report);
});

$("segment-filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.segmentOffset = 0;
  showSegments().catch(report);
});

for (const [prefix, key, view] of [
  ["audit", "auditOffset", () => showAudit()],
  ["segments", "segmentOffset", () => showSegments()],
  ["disclosure", "disclosureOffset", () => showDisclosure()],
]) {
  $(`${prefix}-prev`).addEventListener("click", () => {
    state[key] = Math.max(0, state[key] - state.limit);
    view().catch(report);
  });
  $(`${prefix}-next`).addEventListener("click", () => {
    state[key] += state.limit;
    view().catch(report);
  });
}

$("ugc-filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  showUgc().catch(report);
});

$("stability-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  showStability().catch(report);
});

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await api("/api/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: $("user").value, password: $("password").value }),
    });
    $("password").value = "";
    status("");
    if (!location.hash || location.hash === "#login") location.hash = "#leaderboard";
    await start();
  } catch (e) {
    status(e.message);
  }
});

$("logout").addEventListener("click", async () => {
  await api("/api/logout", { method: "POST" }).catch(() => {});
  state.workspaces = [];
  show("login");
});

$("workspace").addEventListener("change", () => {
  state.ws = $("workspace").value;
  state.offset = state.auditOffset = state.segmentOffset = state.disclosureOffset = 0;
  $("community").value = "";
  route();
});

// The analyst's choice to count unknown follower counts as natives, kept across visits.
$("rank-assume-native").checked = localStorage.getItem("assumeNative") === "1";

$("filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.offset = 0;
  showLeaderboard().catch(report);
});

$("prev").addEventListener("click", () => {
  state.offset = Math.max(0, state.offset - state.limit);
  showLeaderboard().catch(report);
});

$("next").addEventListener("click", () => {
  state.offset += state.limit;
  showLeaderboard().catch(report);
});

$("import-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  // A folder's documentation, scripts and hidden files are left out, as the CLI does.
  const notData = (f) => /(^|\/)(\.|readme|licen[cs]e|copying|notice|changelog)|\.(md|rst|html|pdf|py|sh|dat)$/i.test(f.webkitRelativePath || f.name);
  const folder = [...$("folder").files];
  const files = [...$("file").files, ...folder.filter((f) => !notData(f))];
  const out = $("import-result");
  out.replaceChildren();
  if (!files.length) {
    out.textContent = folder.length ? "The folder holds no data files." : "Choose files, an archive or a folder first.";
    return;
  }
  for (const file of files) {
    const li = document.createElement("li");
    out.appendChild(li);
    const name = file.webkitRelativePath || file.name;
    const q = new URLSearchParams({ name, format: $("import-format").value });
    if ($("skip-bad").checked) q.set("skip_bad", "true");
    try {
      li.textContent = `${name}: uploading…`;
      let job = await api(`${base()}/imports?${q}`, { method: "POST", body: file });
      while (job.state === "running" || job.state === "queued") {
        li.textContent = `${name}: ${job.step || "importing"}…`;
        await new Promise((r) => setTimeout(r, 500));
        job = await api(`${base()}/imports/${job.id}`);
      }
      li.textContent = job.state === "done"
        ? `${name}: imported ${fmt(job.records_read)} records (${fmt(job.rejected)} skipped); the workspace now holds ${fmt(job.after.accounts)} accounts.`
        : `${name}: the import failed and nothing of this file was kept. ${job.error}`;
      if (job.rejects) {
        li.append(" ");
        const a = document.createElement("a");
        a.href = job.rejects;
        a.textContent = "Download the skipped records";
        li.appendChild(a);
      }
    } catch (e) {
      li.textContent = `${name}: ${e.message}`;
    }
  }
  await start();
});

// The import page: the upload form for analysts, and for admins the live stream the
// workspace follows (found among its jobs, so a reload or another admin sees it too).
async function showImport() {
  show("import");
  const admin = role() === "admin";
  $("stream-form").hidden = !admin;
  if (!admin) return;
  const jobs = await api(`${base()}/jobs`);
  const live = jobs.find((j) => j.kind === "follow" && ["queued", "running", "cancelling"].includes(j.state));
  const last = jobs.find((j) => j.kind === "follow");
  if (live) {
    watchStream(live).catch(report);
  } else {
    streamIdle(last);
  }
}

// The form when no stream runs, saying how the last one ended.
function streamIdle(job) {
  $("stream-start").hidden = false;
  $("stream-stop").hidden = true;
  if (!job) {
    $("stream-status").textContent = "";
    return;
  }
  const r = job.result || {};
  $("stream-status").textContent = job.state === "done"
    ? `Last stream (${job.name}): ${fmt(r.events)} events, ${fmt(job.records_read)} records (${fmt(job.rejected)} skipped); ${r.stopped}. Following it again resumes from its cursor ${r.cursor ?? "(none)"}${r.cursor ? ` (events of ${new Date(r.cursor / 1000).toISOString().slice(0, 19).replace("T", " ")} UTC on)` : ""}.`
    : `Last stream (${job.name}): ${job.state}. ${job.error || ""} What it committed before stays; following it again resumes there.`;
}

let streamWatch = 0;
// Polls a running stream's job every second until it ends.
async function watchStream(job) {
  const mine = ++streamWatch;
  $("stream-start").hidden = true;
  $("stream-stop").hidden = false;
  $("stream-stop").dataset.job = job.id;
  while (["queued", "running", "cancelling"].includes(job.state)) {
    const step = job.step || `starting ${job.name}`;
    $("stream-status").textContent = job.state === "cancelling"
      ? `Stopping (${step})…`
      : step[0].toUpperCase() + step.slice(1);
    await new Promise((r) => setTimeout(r, 1000));
    if (mine !== streamWatch || location.hash !== "#import") return;
    job = await api(`${base()}/jobs/${job.id}`);
  }
  streamIdle(job);
}

$("stream-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const body = { url: $("stream-url").value.trim(), skip_bad: $("stream-skip-bad").checked };
  if ($("stream-max").value) body.max_events = Number($("stream-max").value);
  try {
    const job = await api(`${base()}/streams`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await watchStream(job);
  } catch (e) {
    $("stream-status").textContent = `Not started: ${e.message}`;
  }
});

$("stream-stop").addEventListener("click", async () => {
  try {
    await api(`${base()}/jobs/${$("stream-stop").dataset.job}`, { method: "DELETE" });
    $("stream-status").textContent = "Stopping: the events read are being committed…";
  } catch (e) {
    $("stream-status").textContent = e.message;
  }
});

// Every table and chart gets a box of its own that scrolls sideways when the screen is
// narrow (the page itself never does), focusable so that a keyboard can scroll it too.
function boxWideContent() {
  for (const el of document.querySelectorAll("main table, main svg")) {
    if (el.parentElement.classList.contains("scroll")) continue;
    const box = document.createElement("div");
    box.className = "scroll";
    box.tabIndex = 0;
    const label = el.tagName === "TABLE"
      ? el.querySelector("caption")?.id || ""
      : el.getAttribute("aria-labelledby") || "";
    if (label) box.setAttribute("aria-labelledby", label);
    box.setAttribute("role", "region");
    if (!label) box.setAttribute("aria-label", el.tagName === "TABLE" ? "Table" : "Chart");
    el.replaceWith(box);
    box.appendChild(el);
  }
}

// A number in a cell as shown ("1,234", "12%", "top 0.5%", "−0.3"), or null for text.
function cellNumber(text) {
  const t = text.replace(/^top\s+/, "").replace(/[,%\s]/g, "").replace("−", "-").replace(/\(.*\)$/, "");
  return t !== "" && !Number.isNaN(Number(t)) ? Number(t) : null;
}

// `params` with the sort a paged table's column buttons chose (state[key]), if any.
function sorted(key, params) {
  const q = new URLSearchParams(params);
  if (state[key]) {
    q.set("sort", state[key].key);
    q.set("order", state[key].order);
  }
  return q;
}

// The leaderboard, audit, segments and sponsored posts are sorted whole by the server, from
// the first page: the table names the state its sort and page are kept in.
for (const [rows, show] of [["rank-rows", () => showLeaderboard()], ["audit-all-rows", () => showAudit()], ["segment-rows", () => showSegments()], ["sponsored-rows", () => showDisclosure()]]) {
  const table = $(rows).closest("table");
  table.addEventListener("serversort", (ev) => {
    state[table.dataset.sortState] = ev.detail;
    state[table.dataset.sortOffset] = 0;
    show().catch(report);
  });
}

// Sortable columns: each header is a button; a click sorts by that column (numbers as
// numbers), a second click reverses. A table marked data-server-sort (a paged list) is
// sorted whole by the server: the click sends a "serversort" event with the column's
// data-sort key and the order; other tables sort the rows they show.
function makeSortable() {
  for (const table of document.querySelectorAll("main table")) {
    const body = table.tBodies[0];
    if (!body || table.dataset.sortable) continue;
    table.dataset.sortable = "1";
    const server = table.dataset.serverSort !== undefined;
    const heads = [...table.querySelectorAll("thead th")];
    heads.forEach((th, col) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.append(...th.childNodes);
      const what = server ? "Sort the whole list by this column" : "Sort by this column";
      button.title = th.title ? `${th.title}. ${what}` : what;
      th.appendChild(button);
      button.addEventListener("click", () => {
        const descending = th.getAttribute("aria-sort") === "ascending";
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        if (server) {
          table.dispatchEvent(new CustomEvent("serversort", {
            detail: { key: th.dataset.sort, order: descending ? "desc" : "asc" },
          }));
          return;
        }
        const key = (tr) => tr.children[col]?.textContent.trim() ?? "";
        const rows = [...body.rows];
        rows.sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          const [nx, ny] = [cellNumber(x), cellNumber(y)];
          const order = nx !== null && ny !== null ? nx - ny : x.localeCompare(y, undefined, { numeric: true });
          return descending ? -order : order;
        });
        body.dataset.sorting = "1";
        body.append(...rows);
      });
    });
    // New rows (another page, another filter) are shown in the server's order again; a
    // server-sorted table keeps its order across pages.
    new MutationObserver(() => {
      if (body.dataset.sorting) delete body.dataset.sorting;
      else if (!server) heads.forEach((h) => h.removeAttribute("aria-sort"));
    }).observe(body, { childList: true });
  }
}

window.addEventListener("hashchange", route);
boxWideContent();
makeSortable();
start();
