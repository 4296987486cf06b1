//! YAML syntax errors in the project's words, at the line to fix.

use serde_saphyr::Error;

/// `line L, column C: what is wrong`, then the line itself with a caret.
pub(crate) fn describe(error: &Error, text: &str) -> String {
    let inner = error.without_snippet();
    let (problem, location) = match inner {
        Error::DuplicateMappingKey { key, location } => (
            match key {
                Some(key) => format!(
                    "the key `{key}` appears a second time in the same mapping; keep only one"
                ),
                None => "a key appears a second time in the same mapping; keep only one".into(),
            },
            Some(*location),
        ),
        other => (parser_message(other), other.location()),
    };
    let Some(location) = location else {
        return problem;
    };
    let (line, column) = unclosed_flow(text, location.line(), location.column())
        .unwrap_or((location.line(), location.column()));
    let problem = match unclosed_flow(text, location.line(), location.column()) {
        Some(_) => format!(
            "this flow collection is never closed (the parser stopped at line {}); add the closing bracket",
            location.line()
        ),
        None => problem,
    };
    format!(
        "line {line}, column {column}: {problem}{}",
        excerpt(text, line, column)
    )
}

/// The parser's own sentence, without its location prefix and its advice
/// about parser options, which do not apply to a spec file.
fn parser_message(error: &Error) -> String {
    let text = error.to_string();
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let text = match text.split_once(": ") {
        Some((prefix, rest)) if prefix.starts_with("line ") => rest,
        _ => text,
    };
    let text = text.lines().next().unwrap_or(text);
    let text = text.split(" (set ").next().unwrap_or(text);
    let text = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => text,
    };
    text.trim_end_matches('.').to_string()
}

/// When the error comes after an unclosed `[` or `{`, the position of that
/// bracket: the parser only notices at the next line, which is not where the
/// mistake is.
fn unclosed_flow(text: &str, line: u64, column: u64) -> Option<(u64, u64)> {
    let mut open: Vec<(u64, u64)> = Vec::new();
    for (index, content) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if number > line {
            break;
        }
        let mut quote: Option<char> = None;
        for (col, c) in content.chars().enumerate() {
            let col = col as u64 + 1;
            if number == line && col >= column {
                break;
            }
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => open.push((number, col)),
                (None, ']' | '}') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.first()
        .copied()
        .filter(|(open_line, _)| *open_line < line)
}

fn excerpt(text: &str, line: u64, column: u64) -> String {
    let Some(content) = text.lines().nth(line.saturating_sub(1) as usize) else {
        return String::new();
    };
    let gutter = line.to_string();
    let pad = " ".repeat(gutter.len());
    let caret = " ".repeat(column.saturating_sub(1) as usize);
    format!("\n {pad} |\n {gutter} | {content}\n {pad} | {caret}^")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        let err = super::super::positions::parse(text).expect_err("the text is not valid YAML");
        describe(&err, text)
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        let text = "openapi: 3.0.3\ntags: [a, b\ninfo:\n  title: t\n";
        let message = message(text);
        assert!(message.starts_with("line 2, column 7: "), "{message}");
        assert!(message.contains("never closed"), "{message}");
        assert!(message.contains(" 2 | tags: [a, b"), "{message}");
    }

    #[test]
    fn a_duplicate_key_is_named_without_parser_advice() {
        let text = "openapi: 3.0.3\ninfo:\n  title: a\n  title: b\n";
        let message = message(text);
        assert!(
            message.starts_with("line 4, column 3: the key `title` appears a second time"),
            "{message}"
        );
        assert!(!message.contains("DuplicateKeyPolicy"), "{message}");
        assert!(!message.contains("Options"), "{message}");
    }
}
