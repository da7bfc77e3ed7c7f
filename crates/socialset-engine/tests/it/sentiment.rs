//! Sentiment through the engine: the shipped Italian model on examples of every class, with
//! negation and emoji; irony as the known failure; odd input; the SENTIPOLC reader and metric
//! on a small file in the task's format, in both encodings.

use socialset_engine::{classify, eval_sentiment, sentiment, Language, Polarity, UgcKind};

use crate::write;

#[test]
fn italian_examples_of_every_class() {
    let cases = [
        ("Che bella giornata, grazie a tutti!", Polarity::Positive),
        ("Bravissimi, un lavoro fantastico 😍", Polarity::Positive),
        ("non mi piace per niente, che schifo", Polarity::Negative),
        ("Governo ladro, vergogna!", Polarity::Negative),
    ];
    for (text, want) in cases {
        let r = sentiment(text);
        assert_eq!(r.polarity, want, "{text}: {r:?}");
        assert_eq!(r.language, Language::Italian);
        assert!((-1.0..=1.0).contains(&r.score));
        assert!(!r.drivers.is_empty(), "{text}: no words drove it");
    }
    // Negation turns a word around: "male" alone pulls negative, "non è affatto male" less so.
    let plain = sentiment("è male");
    let negated = sentiment("non è affatto male");
    assert!(negated.score > plain.score, "{plain:?} vs {negated:?}");
    assert!(negated.drivers.iter().any(|(w, _)| w.starts_with("n:")));
    // Emoji carry sentiment on their own.
    assert!(sentiment("😍😍😍").score > sentiment("😡😡😡").score);
}

#[test]
fn a_lone_post_is_classified_with_its_reasons() {
    let cases = [
        ("Qualcuno sa a che ora apre il negozio?", UgcKind::Question),
        ("Does anyone know when the store opens?", UgcKind::Question),
        (
            "@TrenItalia il treno è in ritardo da un'ora, vergogna!",
            UgcKind::Complaint,
        ),
        (
            "@acme my order arrived broken, terrible service",
            UgcKind::Complaint,
        ),
        ("Il treno parte alle 8 da Milano", UgcKind::Mention),
        ("The train leaves at 8 from platform 3", UgcKind::Mention),
        ("Grazie @acme, servizio fantastico!", UgcKind::Praise),
        (
            "Thanks @acme, great job on the new app, love it",
            UgcKind::Praise,
        ),
        (
            "Secondo me il nuovo modello è meglio del vecchio",
            UgcKind::Review,
        ),
        ("I think the new model is ok, 7/10", UgcKind::Review),
        ("Perché il treno è sempre in ritardo", UgcKind::Question),
        ("Anyone know if the store is open today", UgcKind::Question),
    ];
    for (text, want) in cases {
        let c = classify(text);
        assert_eq!(c.kind, want, "{text}: {c:?}");
        assert!(!c.reasons.is_empty(), "{text}: no reasons");
        assert_eq!(c.sentiment, sentiment(text));
    }
}

#[test]
fn irony_is_a_known_failure() {
    // Literally positive words meaning the opposite: the model reads the words.
    let r = sentiment("Complimenti al governo, davvero un capolavoro di manovra!");
    assert_ne!(
        r.polarity,
        Polarity::Negative,
        "irony read right would be news: {r:?}"
    );
}

#[test]
fn odd_text_never_crashes() {
    let empty = sentiment("");
    assert_eq!(empty.polarity, Polarity::Neutral, "{empty:?}");
    assert!(empty.drivers.is_empty());
    let long = "bello ".repeat(200_000);
    assert_eq!(sentiment(&long).polarity, Polarity::Positive);
    let _ = sentiment("\u{0}\u{FFFD}#!!!???");
}

#[test]
fn sentipolc_files_in_either_encoding_with_or_without_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rows = "\"1\",1,1,0,0,1,0,0,\"Che bello, grazie!\"\n\"2\",1,0,1,0,0,1,0,\"Che schifo, vergogna\"\n\"3\",0,0,0,0,0,0,0,\"Il treno parte alle 8\"\n\"4\",1,1,1,0,1,1,0,\"Bravi ma lenti\"\n";
    let header =
        "\"idtwitter\",\"subj\",\"opos\",\"oneg\",\"iro\",\"lpos\",\"lneg\",\"top\",\"text\"\n";
    let utf8 = write(dir.path(), "u.csv", format!("{header}{rows}").as_bytes());
    let e = eval_sentiment(&utf8, &Default::default()).expect("utf-8 with header");
    assert_eq!(e.texts, 4);
    assert!(e.score.combined > 0.5, "{e:?}");
    // ISO-8859-1 without the header: "città" as the byte E0.
    let mut latin = rows.as_bytes().to_vec();
    latin.extend_from_slice(b"\"5\",1,1,0,0,1,0,0,\"Bella citt\xe0\"\n");
    let latin = write(dir.path(), "l.csv", &latin);
    let e = eval_sentiment(&latin, &Default::default()).expect("latin-1 without header");
    assert_eq!(e.texts, 5);
    // Bad labels name file, line and field.
    let bad = write(dir.path(), "b.csv", b"\"1\",1,2,0,0,1,0,0,\"x\"\n");
    let err = eval_sentiment(&bad, &Default::default())
        .expect_err("opos 2")
        .to_string();
    assert!(err.contains("b.csv:1") && err.contains("opos"), "{err}");
    let short = write(dir.path(), "s.csv", b"\"1\",1,1\n");
    let err = eval_sentiment(&short, &Default::default())
        .expect_err("3 fields")
        .to_string();
    assert!(
        err.contains("s.csv:1") && err.contains("9 of SENTIPOLC"),
        "{err}"
    );
    // Too few texts to cross-validate is a usage error, not a crash.
    let err = eval_sentiment(
        &utf8,
        &socialset_engine::SentimentEvalOptions {
            cross_validate: Some(socialset_engine::Folds::Honest),
            ..Default::default()
        },
    )
    .expect_err("4 texts")
    .to_string();
    assert!(err.contains("too few"), "{err}");
}

#[test]
fn english_examples_of_every_class() {
    // The shipped trained model: VADER's reading among its features.
    let cases = [
        ("I love this phone, great battery", Polarity::Positive),
        ("This is the worst service ever", Polarity::Negative),
        ("The train leaves at 8", Polarity::Neutral),
    ];
    for (text, want) in cases {
        let r = sentiment(text);
        assert_eq!(r.language, Language::English, "{text}");
        assert_eq!(r.polarity, want, "{text}: {r:?}");
        assert!((-1.0..=1.0).contains(&r.score));
    }
    // Negation: "not bad" is not bad, "don't love" is not love.
    assert_eq!(sentiment("not bad at all").polarity, Polarity::Positive);
    let negated = sentiment("I don't love this at all");
    assert_eq!(negated.polarity, Polarity::Negative, "{negated:?}");
    assert!(negated.score < 0.0 && sentiment("I love this").score > 0.0);
    // Emoji carry sentiment through VADER's emoji lexicon.
    assert!(sentiment("what a day 😍").score > sentiment("what a day").score);
    // The drivers name VADER's features (`v:`) and the model's own words.
    let r = sentiment("I love this phone");
    assert!(r.drivers.iter().any(|d| d.0.starts_with("v:c+")), "{r:?}");
    assert!(r.drivers.iter().any(|d| d.0 == "love"), "{r:?}");
}

#[test]
fn vader_stays_available() {
    use socialset_engine::{sentiment_with, SentimentModel::Vader};
    let cases = [
        ("I love this phone, great battery", Polarity::Positive),
        ("This is the worst service ever", Polarity::Negative),
        ("The train leaves at 8", Polarity::Neutral),
        ("Great camera but terrible battery life", Polarity::Mixed),
    ];
    for (text, want) in cases {
        let r = sentiment_with(text, Vader);
        assert_eq!(r.polarity, want, "{text}: {r:?}");
    }
    assert_eq!(
        sentiment_with("not bad at all", Vader).polarity,
        Polarity::Positive
    );
    let r = sentiment_with("I love this phone", Vader);
    assert_eq!(r.drivers.first().map(|d| d.0.as_str()), Some("love"));
    // Italian is the Italian model's whatever the English choice.
    let it = "Che bella giornata, grazie a tutti!";
    assert_eq!(sentiment_with(it, Vader), sentiment(it));
}

#[test]
fn english_training_files_and_their_errors() {
    use socialset_engine::{read_sentiment_model, train_sentiment, SentimentEvalOptions};
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // TweetEval: texts and labels line for line.
    let mut texts = String::new();
    let mut labels = String::new();
    for k in 0..40 {
        let (t, l) = match k % 3 {
            0 => (format!("I love it, great day {k}"), 2),
            1 => (format!("awful, I hate this {k}"), 0),
            _ => (format!("the meeting is at {k}"), 1),
        };
        texts.push_str(&t);
        texts.push('\n');
        labels.push_str(&format!("{l}\n"));
    }
    let te = write(d, "set_text.txt", texts.as_bytes());
    write(d, "set_labels.txt", labels.as_bytes());
    // Sanders: sentiment towards the topic; irrelevant records left out.
    let sanders = write(
        d,
        "sanders.csv",
        b"Topic,Sentiment,TweetId,TweetDate,TweetText\napple,positive,1,x,\"love my @apple phone\"\napple,irrelevant,2,x,\"hola\"\ngoogle,negative,3,x,\"google maps is awful\"\n",
    );
    let model = train_sentiment(&[te.clone(), sanders.clone()]).expect("trains");
    assert_eq!(model.language, "en");
    assert!(
        model.trained_on.contains("set_text.txt (40 texts)"),
        "{}",
        model.trained_on
    );
    assert!(
        model.trained_on.contains("sanders.csv (2 texts)"),
        "{}",
        model.trained_on
    );
    let e = eval_sentiment(&sanders, &Default::default()).expect("sanders");
    assert_eq!(e.left_out.map(|l| l.0), Some(1));
    assert_eq!(e.texts, 2);
    // A model file written by training scores a file it names.
    let file = d.join("m.json");
    std::fs::write(&file, serde_json::to_string(&model).expect("json")).expect("write");
    assert_eq!(read_sentiment_model(&file).expect("reads").language, "en");
    let options = SentimentEvalOptions {
        model_file: Some(file.clone()),
        ..Default::default()
    };
    let e = eval_sentiment(&te, &options).expect("scored by the file");
    assert!(e.in_sample, "trained on set_text.txt: {e:?}");
    assert!(e.recall.expect("three classes").1 > 0.9, "{e:?}");
    // Not a model: its file and line; a model of another language: said so.
    let junk = write(d, "junk.json", b"{\"language\": 3}\n");
    let options = SentimentEvalOptions {
        model_file: Some(junk),
        ..Default::default()
    };
    let err = eval_sentiment(&te, &options).expect_err("junk").to_string();
    assert!(
        err.contains("junk.json:1") && err.contains("not a sentiment model"),
        "{err}"
    );
    let sp = write(d, "sp.csv", b"\"1\",1,1,0,0,1,0,0,\"Bello\"\n");
    let options = SentimentEvalOptions {
        model_file: Some(file),
        ..Default::default()
    };
    let vader = SentimentEvalOptions {
        model: socialset_engine::SentimentModel::Vader,
        ..options.clone()
    };
    let err = eval_sentiment(&te, &vader)
        .expect_err("file and VADER")
        .to_string();
    assert!(err.contains("VADER was asked for"), "{err}");
    let err = eval_sentiment(&sp, &options)
        .expect_err("en model, it file")
        .to_string();
    assert!(err.contains("\"en\"") && err.contains("\"it\""), "{err}");
    // One language per model.
    let err = train_sentiment(&[te.clone(), sp])
        .expect_err("mixed")
        .to_string();
    assert!(err.contains("one language"), "{err}");
    // Bad labels name file, line and field; a missing labels file is named.
    write(d, "bad_text.txt", b"a\nb\n");
    write(d, "bad_labels.txt", b"2\n7\n");
    let err = train_sentiment(&[d.join("bad_text.txt")])
        .expect_err("7")
        .to_string();
    assert!(
        err.contains("bad_labels.txt:2") && err.contains("label"),
        "{err}"
    );
    write(d, "short_text.txt", b"a\nb\n");
    write(d, "short_labels.txt", b"2\n");
    let err = train_sentiment(&[d.join("short_text.txt")])
        .expect_err("1 label")
        .to_string();
    assert!(err.contains("1 labels for the 2 texts"), "{err}");
    write(d, "alone_text.txt", b"a\n");
    let err = train_sentiment(&[d.join("alone_text.txt")])
        .expect_err("no labels")
        .to_string();
    assert!(err.contains("alone_labels.txt"), "{err}");
    let bad = write(
        d,
        "bad.csv",
        b"Topic,Sentiment,TweetId,TweetDate,TweetText\napple,great,1,x,\"hi\"\n",
    );
    let err = train_sentiment(&[bad]).expect_err("great").to_string();
    assert!(
        err.contains("bad.csv:2") && err.contains("Sentiment"),
        "{err}"
    );
}

#[test]
fn english_scores_of_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(
        dir.path(),
        "t.jsonl",
        b"{\"type\":\"post\",\"id\":\"1\",\"text\":\"The book was good.\"}\nplain line, horrible\n\n",
    );
    let scores = socialset_engine::english_scores(&file).expect("scores");
    assert_eq!(scores.len(), 2);
    assert!((scores[0].1 - 0.4404).abs() < 1e-3, "{scores:?}");
    assert!(scores[1].1 < 0.0);
    let latin1 = write(dir.path(), "l.txt", b"fine line\ncaf\xe9 horrible\n");
    let err = socialset_engine::english_scores(&latin1)
        .expect_err("not UTF-8")
        .to_string();
    assert!(err.contains("l.txt:2") && err.contains("UTF-8"), "{err}");
    let empty = write(dir.path(), "e.txt", b"\n\n");
    assert!(socialset_engine::english_scores(&empty).is_err());
}

#[test]
fn sentiment_towards_a_brand_in_both_languages() {
    use socialset_engine::{sentiment_towards, Scope, SentimentModel};
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let towards = |text: &str, brand: &str, others: &[&str]| {
        let language = sentiment(text).language;
        sentiment_towards(
            text,
            language,
            SentimentModel::Trained,
            &names(&[brand]),
            &names(others),
        )
    };
    // One post, two brands, two sentiments: English...
    let en = "I love my new @acme phone, it is brilliant! But @globex support is awful, worst service ever.";
    let acme = towards(en, "acme", &[]);
    let globex = towards(en, "globex", &[]);
    assert_eq!(acme.sentiment.polarity, Polarity::Positive, "{acme:?}");
    assert_eq!(globex.sentiment.polarity, Polarity::Negative, "{globex:?}");
    assert!(acme.scoped() && globex.scoped());
    // ... and Italian, with brands known by name.
    let it = "Adoro Fastweb, velocissima e affidabile! Tim invece mi ha deluso, che schifo.";
    let known = ["fastweb", "tim"];
    let fastweb = towards(it, "fastweb", &known);
    let tim = towards(it, "tim", &known);
    assert_eq!(fastweb.sentiment.language, Language::Italian);
    assert_eq!(
        fastweb.sentiment.polarity,
        Polarity::Positive,
        "{fastweb:?}"
    );
    assert_eq!(tim.sentiment.polarity, Polarity::Negative, "{tim:?}");
    // The second term of a comparison takes the other side.
    let cmp = "The @globex app is so much better than @acme";
    let behind = towards(cmp, "acme", &[]);
    assert!(matches!(behind.scope, Scope::Compared { .. }), "{behind:?}");
    assert_eq!(behind.sentiment.polarity, Polarity::Negative, "{behind:?}");
    assert_eq!(
        towards(cmp, "globex", &[]).sentiment.polarity,
        Polarity::Positive
    );
    // A post about one brand only reads as the whole text; one that never names it too.
    let one = "@acme your support fixed my phone in minutes, thank you!";
    let r = towards(one, "acme", &[]);
    assert_eq!(r.scope, Scope::Whole);
    assert_eq!(r.sentiment, sentiment(one));
    assert_eq!(towards("nice day", "acme", &[]).scope, Scope::NotNamed);
    // Negation inside the brand's clause still counts.
    let neg = "@globex is great, but @acme is not good at all.";
    assert_eq!(
        towards(neg, "acme", &[]).sentiment.polarity,
        Polarity::Negative
    );
}
