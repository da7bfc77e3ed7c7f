//! Full-text search over captured posts with tantivy: each text indexed under its language's
//! field, lower-cased and stemmed (Snowball Italian or English), so that "batterie" finds
//! "batteria" and "refunds" finds "refund"; queries in tantivy's syntax (words must all
//! appear, "quoted phrases", OR, -excluded), ranked by BM25.

use socialset_analysis::sentiment::Language;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    Language as StemLanguage, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{doc, Index, IndexWriter, TantivyDocument};

use crate::{Error, Result};

/// An in-memory index of texts, each with its position in the caller's list.
pub struct TextIndex {
    index: Index,
    position: Field,
    fields: [Field; 2],
}

fn analyzer(language: StemLanguage) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(language))
        .build()
}

fn search_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("the full-text index failed: {e}"))
}

impl TextIndex {
    /// Indexes `texts` (with their languages), in parallel where the machine allows.
    pub fn build(texts: &[(&str, Language)]) -> Result<Self> {
        let mut builder = Schema::builder();
        let text_field = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let it = builder.add_text_field("it", text_field("it_stem"));
        let en = builder.add_text_field("en", text_field("en_stem"));
        let position = builder.add_u64_field("position", NumericOptions::default().set_stored());
        let index = Index::create_in_ram(builder.build());
        index
            .tokenizers()
            .register("it_stem", analyzer(StemLanguage::Italian));
        index
            .tokenizers()
            .register("en_stem", analyzer(StemLanguage::English));
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let mut writer: IndexWriter = index
            .writer_with_num_threads(threads, 64 * 1024 * 1024 * threads)
            .map_err(search_error)?;
        for (i, (text, language)) in texts.iter().enumerate() {
            let field = match language {
                Language::Italian => it,
                Language::English => en,
            };
            writer
                .add_document(doc!(field => *text, position => i as u64))
                .map_err(search_error)?;
        }
        writer.commit().map_err(search_error)?;
        Ok(Self {
            index,
            position,
            fields: [it, en],
        })
    }

    /// The positions of the texts matching `query`, best first (at most `limit`), with their
    /// scores. A query that does not parse is the user's to fix, named in the error.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<(usize, f32)>> {
        let reader = self.index.reader().map_err(search_error)?;
        let searcher = reader.searcher();
        let mut parser = QueryParser::for_index(&self.index, self.fields.to_vec());
        parser.set_conjunction_by_default();
        let q = parser
            .parse_query(query)
            .map_err(|e| Error::Usage(format!("--query {query:?}: {e}")))?;
        let hits = searcher
            .search(&q, &TopDocs::with_limit(limit.max(1)))
            .map_err(search_error)?;
        let mut out = Vec::with_capacity(hits.len());
        for (score, address) in hits {
            let d: TantivyDocument = searcher.doc(address).map_err(search_error)?;
            if let Some(p) = d.get_first(self.position).and_then(|v| v.as_u64()) {
                out.push((p as usize, score));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_in_both_languages_and_ranks() {
        let texts = [
            ("La batteria del telefono dura poco", Language::Italian),
            ("Le batterie nuove sono ottime", Language::Italian),
            ("I asked for refunds twice", Language::English),
            (
                "Still waiting for my refund, refund please",
                Language::English,
            ),
            ("Il treno parte alle otto", Language::Italian),
        ];
        let idx = TextIndex::build(&texts).expect("index");
        let hits: Vec<usize> = idx
            .search("batteria", 10)
            .expect("search")
            .iter()
            .map(|h| h.0)
            .collect();
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert!(hits.contains(&0) && hits.contains(&1));
        let refund = idx.search("refund", 10).expect("search");
        assert_eq!(refund.len(), 2);
        assert_eq!(refund[0].0, 3, "two mentions rank first");
        assert!(idx.search("treno otto", 10).expect("and").len() == 1);
        assert!(idx.search("treno refund", 10).expect("and").is_empty());
        let err = idx.search("nofield:x", 10).expect_err("unknown field");
        assert!(err.to_string().contains("--query"), "{err}");
    }
}
