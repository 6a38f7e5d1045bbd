//! Markdown to HTML with `pulldown-cmark`, over a generated document.

use crate::{fnv1a, Rng, FNV_START};
use pulldown_cmark::{html, Options, Parser};
use std::fmt::Write;

const WORDS: &[&str] = &[
    "interpreter",
    "bytecode",
    "stack",
    "register",
    "dispatch",
    "branch",
    "memory",
    "page",
    "table",
    "module",
    "validation",
    "operand",
    "frame",
    "local",
    "global",
    "trap",
];

fn sentence(rng: &mut Rng, out: &mut String) {
    let n = 6 + rng.below(10);
    for i in 0..n {
        let w = WORDS[rng.below(WORDS.len() as u32) as usize];
        if i > 0 {
            out.push(' ');
        }
        match rng.below(12) {
            0 => write!(out, "*{w}*"),
            1 => write!(out, "**{w}**"),
            2 => write!(out, "`{w}()`"),
            3 => write!(out, "[{w}](https://example.org/{w}/{})", rng.below(100)),
            4 => write!(out, "{w} & <{w}>"),
            _ => write!(out, "{w}"),
        }
        .unwrap();
    }
    out.push_str(". ");
}

/// A document of `sections` sections, each a heading, paragraphs, a list, and now and
/// then a code block, a quote or a table.
fn document(sections: u32) -> String {
    let mut rng = Rng::new(0x3a2c_d0c5);
    let mut doc = String::new();
    for s in 0..sections {
        writeln!(doc, "## Section {s}: {}\n", WORDS[s as usize % WORDS.len()]).unwrap();
        for _ in 0..1 + rng.below(3) {
            for _ in 0..2 + rng.below(4) {
                sentence(&mut rng, &mut doc);
            }
            doc.push_str("\n\n");
        }
        for i in 0..2 + rng.below(4) {
            let marker = if s % 2 == 0 {
                "-".to_string()
            } else {
                format!("{}.", i + 1)
            };
            doc.push_str(&marker);
            doc.push(' ');
            sentence(&mut rng, &mut doc);
            doc.push('\n');
        }
        doc.push('\n');
        match rng.below(4) {
            0 => {
                doc.push_str("```rust\n");
                for l in 0..3 + rng.below(6) {
                    writeln!(doc, "let x{l} = stack.pop() + {};", rng.below(1000)).unwrap();
                }
                doc.push_str("```\n\n");
            }
            1 => {
                doc.push_str("> ");
                sentence(&mut rng, &mut doc);
                doc.push_str("\n\n");
            }
            2 => {
                doc.push_str("| op | cycles | notes |\n|---|---:|---|\n");
                for _ in 0..2 + rng.below(4) {
                    let w = WORDS[rng.below(WORDS.len() as u32) as usize];
                    writeln!(doc, "| `{w}` | {} | *{w}* |", rng.below(64)).unwrap();
                }
                doc.push('\n');
            }
            _ => {}
        }
    }
    doc
}

/// HTML length times 31 plus FNV-1a of the HTML (wrapping).
pub fn render(sections: u32) -> u32 {
    let doc = document(sections);
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::with_capacity(doc.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(&doc, options));
    (out.len() as u32)
        .wrapping_mul(31)
        .wrapping_add(fnv1a(FNV_START, out.as_bytes()))
}
