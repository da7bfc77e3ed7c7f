# Selects the candidate posts of annotated.jsonl from ../shared/data (see README.md); writes /tmp/ann/candidates.jsonl.
import csv, json, glob, re, random, tarfile, io
S='/work/shared/data'
posts=[]
# SENTIPOLC: id, ..., text (last column)
with open(f'{S}/sentipolc-2016/training_set_sentipolc16.csv', encoding='utf-8') as fh:
    r=csv.reader(fh); next(r)
    for row in r:
        posts.append(('sentipolc-2016', row[0], row[-1], []))
# twarc v2 samples
for f in sorted(glob.glob(f'{S}/twarc-v2-samples/*.jsonl')):
    for line in open(f, encoding='utf-8', errors='replace'):
        try: d=json.loads(line)
        except Exception: continue
        items = d.get('data') if isinstance(d, dict) else None
        if isinstance(items, dict): items=[items]
        for t in items or []:
            if not isinstance(t, dict) or 'text' not in t: continue
            urls=[u.get('expanded_url') or u.get('url') for u in t.get('entities',{}).get('urls',[]) if isinstance(u, dict)]
            posts.append(('twarc-v2-samples/'+f.split('/')[-1], t['id'], t['text'], [u for u in urls if u]))
# PHEME
tar=tarfile.open(f'{S}/rumoureval2017-pheme/rumoureval2017-traindev-threads.tar.gz')
for m in tar.getmembers():
    if m.isfile() and m.name.endswith('.json') and ('/source-tweet/' in m.name or '/replies/' in m.name):
        t=json.load(tar.extractfile(m))
        urls=[u.get('expanded_url') or u['url'] for u in t.get('entities',{}).get('urls',[])]
        posts.append(('rumoureval2017-pheme', t['id_str'], t['text'], [u for u in urls if u]))
seen=set(); uniq=[]
for p in posts:
    if (p[0],p[1]) in seen: continue
    seen.add((p[0],p[1])); uniq.append(p)
cue=re.compile(r'(#?\b(adv|ad|ads|advertising|advertisement|sponsor\w*|pubblicit\w*|partner\w*|collab\w*|gifted|regalo|omaggio|ambassador|supplied|fornit\w+)\b)|\b(code|codice|coupon|promo\w*|sconto)\b', re.I)
linkcue=re.compile(r'(tag=|ref=|aff|amzn|utm_|referral|skimresources|linksynergy|rstyle|shareasale|awin)', re.I)
cand=[p for p in uniq if cue.search(p[2]) or any(linkcue.search(u) for u in p[3])]
rest=[p for p in uniq if p not in cand]
random.seed(42); neg=random.sample(rest, 40)
print(len(uniq), len(cand))
with open('/tmp/ann/candidates.jsonl','w') as out:
    for p in cand+neg:
        out.write(json.dumps({'source':p[0],'id':str(p[1]),'text':p[2],'urls':p[3],'sampled':'cue' if p in cand else 'random'}, ensure_ascii=False)+'\n')
