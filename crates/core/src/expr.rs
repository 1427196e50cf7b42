//! Indicator and rule expressions.
//!
//! An indicator's formula, or one side of a validation rule, is a small
//! arithmetic expression over the reported figures. The syntax follows DHIS2's
//! indicator expressions, which many statistics staff already know.
//!
//! # Syntax
//!
//! | Element | Written | Example |
//! | --- | --- | --- |
//! | number | plain notation, a dot for decimals, no thousands separator | `100`, `1205.5`, `0.5` |
//! | data element | `#{CODE}` | `#{DOSSIER_RESOLVED}` |
//! | one disaggregation option of a data element | `#{CODE.OPTION}` | `#{DOSSIER_RECEIVED.ONLINE}` |
//! | constant | `C{CODE}` | `C{DAYS_IN_YEAR}` |
//! | arithmetic | `+ - * /`, unary `-`, parentheses | `(#{A} - #{B}) / 2` |
//! | absolute value | `abs(x)` | `abs(#{A} - #{B})` |
//! | rounding, half away from zero | `round(x, d)` (`round(x)` = `round(x, 0)`; `d` may be negative: `-3` rounds to thousands) | `round(#{A} / #{B} * 100, 2)` |
//! | smallest, largest | `min(a, b, ...)`, `max(a, b, ...)` (one argument or more) | `min(#{A}, #{B}, 100)` |
//! | condition | `if(cond, a, b)` where `cond` is `x < y`, `x <= y`, `x > y`, `x >= y`, `x == y` or `x != y` | `if(#{B} > 0, #{A} / #{B}, 0)` |
//!
//! Codes (of data elements, options and constants) are made of letters, digits,
//! `_` and `-`; spaces just inside the braces are ignored. Function names are
//! case-insensitive (`ABS`, `Round`). Spaces, tabs and line breaks may appear
//! anywhere between the parts of an expression.
//!
//! Precedence, from loosest to tightest: `+ -`, then `* /`, then unary `-`. Operators
//! of the same level group from the left: `#{A} - #{B} - #{C}` is
//! `(#{A} - #{B}) - #{C}`, `#{A} / #{B} * 100` is `(#{A} / #{B}) * 100`.
//!
//! A comparison is only allowed as the first argument of `if`, and not inside
//! extra parentheses there: `if((#{A} > 0), 1, 0)` is an error, as is `#{A} > 0`
//! on its own. `==` and `!=` compare with a tolerance of one part in 10⁹, so that
//! `0.1 + 0.2 == 0.3` holds; `<=` and `>=` include that tolerance too.
//!
//! Examples:
//!
//! ```text
//! #{DOSSIER_RESOLVED_ON_TIME} / #{DOSSIER_RESOLVED} * 100        rate of dossiers resolved on time, in %
//! #{DOSSIER_RECEIVED.ONLINE} / #{DOSSIER_RECEIVED} * 100         share received online
//! #{TRAINED} / C{CIVIL_SERVANTS} * 100                             share of civil servants trained
//! if(#{DOSSIER_RESOLVED} > 0, #{DOSSIER_LATE} / #{DOSSIER_RESOLVED} * 100, 0)
//! round(abs(#{STATED_RATE} - #{ON_TIME} / #{RESOLVED} * 100), 2)
//! ```
//!
//! # Evaluation
//!
//! [`Expression::eval`] asks the caller for the value of each reference. What
//! happens when some are missing is the [`MissingValues`] strategy (DHIS2's
//! "missing value strategy"): skip (return `None`) if any is missing, skip if all
//! are missing, or never skip; references that are missing and not skipped count
//! as 0. The strategy looks at every data element reference written in the
//! expression, including those in the branch of an `if` that is not taken.
//! Constants are not data: an unknown constant always gives `None`.
//! Division by zero gives `None` (never ∞), and so does any other non-finite
//! intermediate result.
//!
//! # Errors
//!
//! A parse error names the 1-based character position of the offending part and
//! quotes the source: `biểu thức không hợp lệ tại vị trí 12: thiếu ')' trong
//! "#{A} / (#{B}"`. When the problem is the end of the text, the position is
//! that of the last character.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::number::round_half_away;

/// A reference to a data element, or to one disaggregation option of it:
/// `#{DOSSIER_RECEIVED}` or `#{DOSSIER_RECEIVED.ONLINE}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ElementRef {
    pub element: String,
    pub option: Option<String>,
}

impl ElementRef {
    /// A reference to the element's total.
    pub fn total(element: impl Into<String>) -> Self {
        ElementRef { element: element.into(), option: None }
    }

    /// A reference to one disaggregation option of the element.
    pub fn option(element: impl Into<String>, option: impl Into<String>) -> Self {
        ElementRef { element: element.into(), option: Some(option.into()) }
    }
}

impl fmt::Display for ElementRef {
    /// As written in an expression: `#{CODE}` or `#{CODE.OPTION}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.option {
            Some(o) => write!(f, "#{{{}.{}}}", self.element, o),
            None => write!(f, "#{{{}}}", self.element),
        }
    }
}

/// What to do when referenced values are missing (DHIS2's missing value strategy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingValues {
    /// No value when any referenced data element is missing.
    #[default]
    SkipIfAnyMissing,
    /// No value only when every referenced data element is missing; the missing
    /// ones count as 0.
    SkipIfAllMissing,
    /// Always a value; missing data elements count as 0.
    NeverSkip,
}

/// Why an expression cannot be read. Every variant carries the 1-based character
/// position of the problem (see [`ExprError::position`]) and the whole source.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExprError {
    #[error("biểu thức rỗng")]
    Empty,
    #[error("biểu thức không hợp lệ tại vị trí {position}: ký tự '{found}' không được phép trong \"{input}\"")]
    InvalidChar { position: usize, found: char, input: String },
    #[error(
        "biểu thức không hợp lệ tại vị trí {position}: số \"{text}\" không đúng cách viết (dùng dấu chấm cho phần thập phân, không phân cách hàng nghìn) trong \"{input}\""
    )]
    BadNumber { position: usize, text: String, input: String },
    #[error("biểu thức không hợp lệ tại vị trí {position}: thiếu '}}' trong \"{input}\"")]
    UnclosedBrace { position: usize, input: String },
    #[error(
        "biểu thức không hợp lệ tại vị trí {position}: mã \"{code}\" không hợp lệ (chỉ gồm chữ, số, '_' và '-') trong \"{input}\""
    )]
    BadCode { position: usize, code: String, input: String },
    #[error(
        "biểu thức không hợp lệ tại vị trí {position}: không có hàm \"{name}\" (dùng abs, round, min, max, if) trong \"{input}\""
    )]
    UnknownFunction { position: usize, name: String, input: String },
    #[error(
        "biểu thức không hợp lệ tại vị trí {position}: hàm {function} cần {expected} đối số, có {found} trong \"{input}\""
    )]
    WrongArgumentCount { position: usize, function: String, expected: &'static str, found: usize, input: String },
    #[error(
        "biểu thức không hợp lệ tại vị trí {position}: \"{name}\" không phải là hàm; phần tử dữ liệu viết #{{{name}}}, hằng số viết C{{{name}}} trong \"{input}\""
    )]
    BareName { position: usize, name: String, input: String },
    #[error(
        "biểu thức không hợp lệ tại vị trí {position}: phép so sánh chỉ được dùng làm đối số đầu tiên của if trong \"{input}\""
    )]
    ComparisonOutsideIf { position: usize, input: String },
    #[error(
        "biểu thức không hợp lệ tại vị trí {position}: đối số đầu tiên của if phải là một phép so sánh (<, <=, >, >=, ==, !=) trong \"{input}\""
    )]
    MissingComparison { position: usize, input: String },
    #[error("biểu thức không hợp lệ tại vị trí {position}: thiếu ')' trong \"{input}\"")]
    MissingCloseParen { position: usize, input: String },
    #[error("biểu thức không hợp lệ tại vị trí {position}: thiếu {expected} trong \"{input}\"")]
    Expected { position: usize, expected: &'static str, input: String },
    #[error("biểu thức không hợp lệ tại vị trí {position}: không mong đợi \"{found}\" trong \"{input}\"")]
    Unexpected { position: usize, found: String, input: String },
}

impl ExprError {
    /// The 1-based character position of the problem (0 for an empty expression).
    pub fn position(&self) -> usize {
        match self {
            ExprError::Empty => 0,
            ExprError::InvalidChar { position, .. }
            | ExprError::BadNumber { position, .. }
            | ExprError::UnclosedBrace { position, .. }
            | ExprError::BadCode { position, .. }
            | ExprError::UnknownFunction { position, .. }
            | ExprError::BareName { position, .. }
            | ExprError::WrongArgumentCount { position, .. }
            | ExprError::ComparisonOutsideIf { position, .. }
            | ExprError::MissingComparison { position, .. }
            | ExprError::MissingCloseParen { position, .. }
            | ExprError::Expected { position, .. }
            | ExprError::Unexpected { position, .. } => *position,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Abs,
    Round,
    Min,
    Max,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    Element(ElementRef),
    Constant(String),
    Neg(Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
    If { op: CmpOp, left: Box<Node>, right: Box<Node>, then: Box<Node>, otherwise: Box<Node> },
}

/// A parsed expression. It keeps its source text, which is what it serializes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    source: String,
    ast: Node,
}

impl Expression {
    /// Reads an expression; see the module documentation for the syntax.
    pub fn parse(src: &str) -> Result<Self, ExprError> {
        let tokens = lex(src)?;
        if tokens.is_empty() {
            return Err(ExprError::Empty);
        }
        let mut p = Parser { tokens, pos: 0, src, last_position: src.chars().count().max(1) };
        let ast = p.expr()?;
        if let Some(tok) = p.peek() {
            return Err(p.unexpected(tok));
        }
        Ok(Expression { source: src.to_string(), ast })
    }

    /// The text the expression was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The data elements and options referenced, each once, in order of appearance.
    pub fn element_refs(&self) -> Vec<ElementRef> {
        let mut out = Vec::new();
        visit(&self.ast, &mut |n| {
            if let Node::Element(r) = n
                && !out.contains(r)
            {
                out.push(r.clone());
            }
        });
        out
    }

    /// The constants referenced, each once, in order of appearance.
    pub fn constant_refs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        visit(&self.ast, &mut |n| {
            if let Node::Constant(c) = n
                && !out.contains(c)
            {
                out.push(c.clone());
            }
        });
        out
    }

    /// Evaluates the expression. `values` gives each data element reference's value
    /// (`None` when missing), `constants` each constant's. Missing references count
    /// as 0 unless the `missing` strategy skips; an unknown constant, a division by
    /// zero or a non-finite result gives `None`.
    pub fn eval(
        &self,
        values: &dyn Fn(&ElementRef) -> Option<f64>,
        constants: &dyn Fn(&str) -> Option<f64>,
        missing: MissingValues,
    ) -> Option<f64> {
        let refs = self.element_refs();
        let present = refs.iter().filter(|r| values(r).is_some()).count();
        let skip = match missing {
            MissingValues::SkipIfAnyMissing => present < refs.len(),
            MissingValues::SkipIfAllMissing => !refs.is_empty() && present == 0,
            MissingValues::NeverSkip => false,
        };
        if skip {
            return None;
        }
        let v = eval_node(&self.ast, values, constants)?;
        v.is_finite().then_some(v)
    }

    /// The expression written back with every operation in parentheses, numbers
    /// in shortest plain notation; it parses back to the same expression.
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        write_node(&self.ast, &mut s);
        s
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for Expression {
    type Err = ExprError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Expression::parse(s)
    }
}

impl Serialize for Expression {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Expression {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Expression::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn visit<'a>(node: &'a Node, f: &mut dyn FnMut(&'a Node)) {
    f(node);
    match node {
        Node::Num(_) | Node::Element(_) | Node::Constant(_) => {}
        Node::Neg(x) => visit(x, f),
        Node::Bin(_, a, b) => {
            visit(a, f);
            visit(b, f);
        }
        Node::Call(_, args) => args.iter().for_each(|a| visit(a, f)),
        Node::If { left, right, then, otherwise, .. } => {
            visit(left, f);
            visit(right, f);
            visit(then, f);
            visit(otherwise, f);
        }
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn approx_eq(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn eval_node(
    node: &Node,
    values: &dyn Fn(&ElementRef) -> Option<f64>,
    constants: &dyn Fn(&str) -> Option<f64>,
) -> Option<f64> {
    let ev = |n: &Node| eval_node(n, values, constants);
    match node {
        Node::Num(v) => Some(*v),
        Node::Element(r) => Some(values(r).unwrap_or(0.0)),
        Node::Constant(c) => constants(c),
        Node::Neg(x) => Some(-ev(x)?),
        Node::Bin(op, a, b) => {
            let (a, b) = (ev(a)?, ev(b)?);
            finite(match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => {
                    if b == 0.0 {
                        return None;
                    }
                    a / b
                }
            })
        }
        Node::Call(func, args) => {
            let vals = args.iter().map(ev).collect::<Option<Vec<f64>>>()?;
            match func {
                Func::Abs => Some(vals[0].abs()),
                Func::Round => {
                    let d = vals.get(1).copied().unwrap_or(0.0).round();
                    finite(round_half_away(vals[0], d.clamp(-300.0, 300.0) as i32))
                }
                Func::Min => vals.into_iter().reduce(f64::min),
                Func::Max => vals.into_iter().reduce(f64::max),
            }
        }
        Node::If { op, left, right, then, otherwise } => {
            let (l, r) = (ev(left)?, ev(right)?);
            let holds = match op {
                CmpOp::Lt => l < r && !approx_eq(l, r),
                CmpOp::Le => l < r || approx_eq(l, r),
                CmpOp::Gt => l > r && !approx_eq(l, r),
                CmpOp::Ge => l > r || approx_eq(l, r),
                CmpOp::Eq => approx_eq(l, r),
                CmpOp::Ne => !approx_eq(l, r),
            };
            if holds { ev(then) } else { ev(otherwise) }
        }
    }
}

fn write_node(node: &Node, s: &mut String) {
    match node {
        Node::Num(v) => s.push_str(&format!("{v}")),
        Node::Element(r) => s.push_str(&r.to_string()),
        Node::Constant(c) => {
            s.push_str("C{");
            s.push_str(c);
            s.push('}');
        }
        Node::Neg(x) => {
            s.push_str("(-");
            write_node(x, s);
            s.push(')');
        }
        Node::Bin(op, a, b) => {
            s.push('(');
            write_node(a, s);
            s.push_str(match op {
                BinOp::Add => " + ",
                BinOp::Sub => " - ",
                BinOp::Mul => " * ",
                BinOp::Div => " / ",
            });
            write_node(b, s);
            s.push(')');
        }
        Node::Call(func, args) => {
            s.push_str(match func {
                Func::Abs => "abs(",
                Func::Round => "round(",
                Func::Min => "min(",
                Func::Max => "max(",
            });
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_node(a, s);
            }
            s.push(')');
        }
        Node::If { op, left, right, then, otherwise } => {
            s.push_str("if(");
            write_node(left, s);
            s.push(' ');
            s.push_str(op.symbol());
            s.push(' ');
            write_node(right, s);
            s.push_str(", ");
            write_node(then, s);
            s.push_str(", ");
            write_node(otherwise, s);
            s.push(')');
        }
    }
}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Element(ElementRef),
    Constant(String),
    Ident(String),
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Cmp(CmpOp),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// 1-based character position of the token's first character.
    pos: usize,
    /// The token as written.
    text: String,
}

fn is_code_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

fn lex(src: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let input = || src.to_string();
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let single = |tok: Tok| Token { tok, pos, text: c.to_string() };
        match c {
            '(' => out.push(single(Tok::LParen)),
            ')' => out.push(single(Tok::RParen)),
            ',' => out.push(single(Tok::Comma)),
            '+' => out.push(single(Tok::Plus)),
            '-' | '−' => out.push(single(Tok::Minus)),
            '*' => out.push(single(Tok::Star)),
            '/' => out.push(single(Tok::Slash)),
            '<' | '>' | '=' | '!' => {
                let next_eq = chars.get(i + 1) == Some(&'=');
                let op = match (c, next_eq) {
                    ('<', true) => CmpOp::Le,
                    ('<', false) => CmpOp::Lt,
                    ('>', true) => CmpOp::Ge,
                    ('>', false) => CmpOp::Gt,
                    ('=', true) => CmpOp::Eq,
                    ('!', true) => CmpOp::Ne,
                    _ => {
                        return Err(ExprError::InvalidChar { position: pos, found: c, input: input() });
                    }
                };
                let len = if next_eq { 2 } else { 1 };
                out.push(Token { tok: Tok::Cmp(op), pos, text: chars[i..i + len].iter().collect() });
                i += len;
                continue;
            }
            '#' => {
                let (inner, end) = braced(&chars, i + 1, src)?;
                let r = element_ref(&inner, pos + 2, src)?;
                out.push(Token { tok: Tok::Element(r), pos, text: chars[i..end].iter().collect() });
                i = end;
                continue;
            }
            d if d.is_ascii_digit() || d == '.' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i].is_alphanumeric()) {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let ok = text.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && text.matches('.').count() <= 1
                    && !text.starts_with('.')
                    && !text.ends_with('.');
                let value = if ok { text.parse::<f64>().ok() } else { None };
                match value {
                    Some(v) => out.push(Token { tok: Tok::Num(v), pos, text }),
                    None => {
                        return Err(ExprError::BadNumber { position: pos, text, input: input() });
                    }
                }
                continue;
            }
            a if a.is_alphabetic() || a == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                if name == "C" && chars.get(i) == Some(&'{') {
                    let (inner, end) = braced(&chars, i, src)?;
                    let code = inner.trim();
                    if code.is_empty() || !code.chars().all(is_code_char) {
                        return Err(ExprError::BadCode { position: pos + 2, code: inner, input: input() });
                    }
                    out.push(Token {
                        tok: Tok::Constant(code.to_string()),
                        pos,
                        text: chars[start..end].iter().collect(),
                    });
                    i = end;
                } else {
                    out.push(Token { tok: Tok::Ident(name.clone()), pos, text: name });
                }
                continue;
            }
            _ => {
                return Err(ExprError::InvalidChar { position: pos, found: c, input: input() });
            }
        }
        i += 1;
    }
    Ok(out)
}

/// Reads `{...}` starting at `open` (the index of the `{`). Returns the inner text
/// and the index just past the `}`.
fn braced(chars: &[char], open: usize, src: &str) -> Result<(String, usize), ExprError> {
    if chars.get(open) != Some(&'{') {
        return Err(ExprError::Expected {
            position: (open + 1).min(chars.len()).max(1),
            expected: "'{' sau '#'",
            input: src.to_string(),
        });
    }
    let mut j = open + 1;
    while j < chars.len() && chars[j] != '}' {
        if chars[j] == '{' || chars[j] == '#' {
            return Err(ExprError::UnclosedBrace { position: j + 1, input: src.to_string() });
        }
        j += 1;
    }
    if j >= chars.len() {
        return Err(ExprError::UnclosedBrace { position: chars.len().max(1), input: src.to_string() });
    }
    Ok((chars[open + 1..j].iter().collect(), j + 1))
}

fn element_ref(inner: &str, code_pos: usize, src: &str) -> Result<ElementRef, ExprError> {
    let bad = || ExprError::BadCode { position: code_pos, code: inner.to_string(), input: src.to_string() };
    let valid = |s: &str| !s.is_empty() && s.chars().all(is_code_char);
    let inner_t = inner.trim();
    match inner_t.split_once('.') {
        Some((e, o)) => {
            let (e, o) = (e.trim(), o.trim());
            if valid(e) && valid(o) { Ok(ElementRef::option(e, o)) } else { Err(bad()) }
        }
        None if valid(inner_t) => Ok(ElementRef::total(inner_t)),
        None => Err(bad()),
    }
}

// ---------------------------------------------------------------- parser

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    src: &'a str,
    /// Position reported for errors at the end of the text (its last character).
    last_position: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).cloned()
    }

    fn peek_tok(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn input(&self) -> String {
        self.src.to_string()
    }

    fn unexpected(&self, t: Token) -> ExprError {
        match t.tok {
            Tok::Cmp(_) => ExprError::ComparisonOutsideIf { position: t.pos, input: self.input() },
            _ => ExprError::Unexpected { position: t.pos, found: t.text, input: self.input() },
        }
    }

    /// expr := term (('+' | '-') term)*
    fn expr(&mut self) -> Result<Node, ExprError> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Plus) => BinOp::Add,
                Some(Tok::Minus) => BinOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.term()?;
            left = Node::Bin(op, Box::new(left), Box::new(right));
        }
    }

    /// term := unary (('*' | '/') unary)*
    fn term(&mut self) -> Result<Node, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Star) => BinOp::Mul,
                Some(Tok::Slash) => BinOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary()?;
            left = Node::Bin(op, Box::new(left), Box::new(right));
        }
    }

    /// unary := '-' unary | primary
    fn unary(&mut self) -> Result<Node, ExprError> {
        if let Some(Tok::Minus) = self.peek_tok() {
            self.pos += 1;
            return Ok(Node::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        let Some(t) = self.peek() else {
            return Err(ExprError::Expected {
                position: self.last_position,
                expected: "một số, một tham chiếu hoặc '('",
                input: self.input(),
            });
        };
        self.pos += 1;
        match t.tok {
            Tok::Num(v) => Ok(Node::Num(v)),
            Tok::Element(r) => Ok(Node::Element(r)),
            Tok::Constant(c) => Ok(Node::Constant(c)),
            Tok::LParen => {
                let inner = self.expr()?;
                self.close_paren()?;
                Ok(inner)
            }
            Tok::Ident(name) => {
                let known = matches!(name.to_lowercase().as_str(), "abs" | "round" | "min" | "max" | "if");
                if !known && self.peek_tok() != Some(&Tok::LParen) {
                    return Err(ExprError::BareName { position: t.pos, name, input: self.input() });
                }
                self.call(&name, t.pos)
            }
            _ => {
                self.pos -= 1;
                Err(match t.tok {
                    Tok::Cmp(_) => self.unexpected(t),
                    _ => ExprError::Unexpected { position: t.pos, found: t.text, input: self.input() },
                })
            }
        }
    }

    fn close_paren(&mut self) -> Result<(), ExprError> {
        match self.peek() {
            Some(Token { tok: Tok::RParen, .. }) => {
                self.pos += 1;
                Ok(())
            }
            Some(t @ Token { tok: Tok::Cmp(_), .. }) => Err(self.unexpected(t)),
            Some(t) => Err(ExprError::MissingCloseParen { position: t.pos, input: self.input() }),
            None => Err(ExprError::MissingCloseParen { position: self.last_position, input: self.input() }),
        }
    }

    fn call(&mut self, name: &str, name_pos: usize) -> Result<Node, ExprError> {
        let lower = name.to_lowercase();
        let func = match lower.as_str() {
            "abs" => Some(Func::Abs),
            "round" => Some(Func::Round),
            "min" => Some(Func::Min),
            "max" => Some(Func::Max),
            "if" => None,
            _ => {
                return Err(ExprError::UnknownFunction {
                    position: name_pos,
                    name: name.to_string(),
                    input: self.input(),
                });
            }
        };
        match self.peek() {
            Some(Token { tok: Tok::LParen, .. }) => self.pos += 1,
            Some(t) => {
                return Err(ExprError::Expected {
                    position: t.pos, expected: "'(' sau tên hàm", input: self.input()
                });
            }
            None => {
                return Err(ExprError::Expected {
                    position: self.last_position,
                    expected: "'(' sau tên hàm",
                    input: self.input(),
                });
            }
        }
        let Some(func) = func else {
            return self.if_call(name_pos);
        };
        let mut args = Vec::new();
        if let Some(Tok::RParen) = self.peek_tok() {
            self.pos += 1;
        } else {
            loop {
                args.push(self.expr()?);
                match self.peek_tok() {
                    Some(Tok::Comma) => self.pos += 1,
                    _ => {
                        self.close_paren()?;
                        break;
                    }
                }
            }
        }
        let (ok, expected) = match func {
            Func::Abs => (args.len() == 1, "1"),
            Func::Round => ((1..=2).contains(&args.len()), "1 hoặc 2"),
            Func::Min | Func::Max => (!args.is_empty(), "ít nhất 1"),
        };
        if !ok {
            return Err(ExprError::WrongArgumentCount {
                position: name_pos,
                function: lower,
                expected,
                found: args.len(),
                input: self.input(),
            });
        }
        Ok(Node::Call(func, args))
    }

    /// After `if(`: cond ',' expr ',' expr ')'
    fn if_call(&mut self, name_pos: usize) -> Result<Node, ExprError> {
        let cond_pos = self.peek().map(|t| t.pos).unwrap_or(self.last_position);
        let left = self.expr()?;
        let op = match self.peek() {
            Some(Token { tok: Tok::Cmp(op), .. }) => {
                self.pos += 1;
                op
            }
            _ => {
                return Err(ExprError::MissingComparison { position: cond_pos, input: self.input() });
            }
        };
        let right = self.expr()?;
        let mut branches = Vec::new();
        while let Some(Tok::Comma) = self.peek_tok() {
            self.pos += 1;
            branches.push(self.expr()?);
        }
        self.close_paren()?;
        if branches.len() != 2 {
            return Err(ExprError::WrongArgumentCount {
                position: name_pos,
                function: "if".to_string(),
                expected: "3",
                found: branches.len() + 1,
                input: self.input(),
            });
        }
        let otherwise = branches.pop().map(Box::new);
        let then = branches.pop().map(Box::new);
        match (then, otherwise) {
            (Some(then), Some(otherwise)) => {
                Ok(Node::If { op, left: Box::new(left), right: Box::new(right), then, otherwise })
            }
            _ => unreachable!("two branches were checked above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn values(pairs: &[(&str, f64)]) -> HashMap<ElementRef, f64> {
        pairs
            .iter()
            .map(|(k, v)| {
                let r = match k.split_once('.') {
                    Some((e, o)) => ElementRef::option(e, o),
                    None => ElementRef::total(*k),
                };
                (r, *v)
            })
            .collect()
    }

    fn constants(name: &str) -> Option<f64> {
        match name {
            "DAYS_IN_YEAR" => Some(365.0),
            "CIVIL_SERVANTS" => Some(1200.0),
            "ZERO" => Some(0.0),
            _ => None,
        }
    }

    fn eval_with(src: &str, pairs: &[(&str, f64)], missing: MissingValues) -> Option<f64> {
        let map = values(pairs);
        Expression::parse(src).unwrap_or_else(|e| panic!("{e}")).eval(&|r| map.get(r).copied(), &constants, missing)
    }

    fn close(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
            (None, None) => true,
            _ => false,
        }
    }

    #[test]
    fn evaluates_a_table_of_expressions() {
        use MissingValues::*;
        type Row<'a> = (&'a str, &'a [(&'a str, f64)], MissingValues, Option<f64>);
        let table: &[Row] = &[
            ("1 + 2 * 3", &[], SkipIfAnyMissing, Some(7.0)),
            ("(1 + 2) * 3", &[], SkipIfAnyMissing, Some(9.0)),
            ("10 - 4 - 3", &[], SkipIfAnyMissing, Some(3.0)),
            ("100 / 10 / 5", &[], SkipIfAnyMissing, Some(2.0)),
            ("2 * 3 / 4", &[], SkipIfAnyMissing, Some(1.5)),
            ("-2 * 3", &[], SkipIfAnyMissing, Some(-6.0)),
            ("--2", &[], SkipIfAnyMissing, Some(2.0)),
            ("-(2 + 3) * 2", &[], SkipIfAnyMissing, Some(-10.0)),
            ("1 - -1", &[], SkipIfAnyMissing, Some(2.0)),
            ("1205.5", &[], SkipIfAnyMissing, Some(1205.5)),
            ("  7\t*\n2 ", &[], SkipIfAnyMissing, Some(14.0)),
            // the on-time rate of the example report: 53.531 / 58.109
            (
                "round(#{RESOLVED_ON_TIME} / #{RESOLVED} * 100, 2)",
                &[("RESOLVED_ON_TIME", 53_531.0), ("RESOLVED", 58_109.0)],
                SkipIfAnyMissing,
                Some(92.12),
            ),
            // ratio of sums over the three levels: 72,05 %, not the mean of rates
            (
                "round((#{ONLINE.PROVINCE} + #{ONLINE.DISTRICT} + #{ONLINE.COMMUNE}) / #{RECEIVED} * 100, 2)",
                &[
                    ("ONLINE.PROVINCE", 104_220.0),
                    ("ONLINE.DISTRICT", 37_367.0),
                    ("ONLINE.COMMUNE", 152_083.0),
                    ("RECEIVED", 407_595.0),
                ],
                SkipIfAnyMissing,
                Some(72.05),
            ),
            ("#{A} / #{B}", &[("A", 1.0), ("B", 0.0)], NeverSkip, None),
            ("#{A} / C{ZERO}", &[("A", 1.0)], NeverSkip, None),
            ("#{A} / #{B}", &[("A", 1.0)], NeverSkip, None),
            ("#{A} * C{DAYS_IN_YEAR}", &[("A", 2.0)], SkipIfAnyMissing, Some(730.0)),
            ("#{A} * C{UNKNOWN}", &[("A", 2.0)], NeverSkip, None),
            ("#{TRAINED} / C{CIVIL_SERVANTS} * 100", &[("TRAINED", 300.0)], SkipIfAnyMissing, Some(25.0)),
            // missing-value strategies
            ("#{A} + #{B}", &[("A", 5.0)], SkipIfAnyMissing, None),
            ("#{A} + #{B}", &[("A", 5.0)], SkipIfAllMissing, Some(5.0)),
            ("#{A} + #{B}", &[], SkipIfAllMissing, None),
            ("#{A} + #{B}", &[], NeverSkip, Some(0.0)),
            ("#{A} + #{A}", &[("A", 5.0)], SkipIfAnyMissing, Some(10.0)),
            ("3", &[], SkipIfAllMissing, Some(3.0)),
            ("#{A} + #{A.X}", &[("A", 5.0)], SkipIfAnyMissing, None),
            // functions
            ("abs(#{A} - #{B})", &[("A", 3.0), ("B", 10.0)], SkipIfAnyMissing, Some(7.0)),
            ("round(92.115, 2)", &[], SkipIfAnyMissing, Some(92.12)),
            ("round(1.005, 2)", &[], SkipIfAnyMissing, Some(1.01)),
            ("round(-2.5)", &[], SkipIfAnyMissing, Some(-3.0)),
            ("round(1250, -2)", &[], SkipIfAnyMissing, Some(1300.0)),
            ("ROUND(2.4, 0)", &[], SkipIfAnyMissing, Some(2.0)),
            ("min(3, 1, 2)", &[], SkipIfAnyMissing, Some(1.0)),
            ("max(3, 1, 2)", &[], SkipIfAnyMissing, Some(3.0)),
            ("max(-1)", &[], SkipIfAnyMissing, Some(-1.0)),
            ("min(#{A}, 100)", &[("A", 120.0)], SkipIfAnyMissing, Some(100.0)),
            // if
            ("if(#{B} > 0, #{A} / #{B}, 0)", &[("A", 1.0), ("B", 4.0)], NeverSkip, Some(0.25)),
            ("if(#{B} > 0, #{A} / #{B}, 0)", &[("A", 1.0), ("B", 0.0)], NeverSkip, Some(0.0)),
            ("if(0.1 + 0.2 == 0.3, 1, 0)", &[], NeverSkip, Some(1.0)),
            ("if(0.1 + 0.2 != 0.3, 1, 0)", &[], NeverSkip, Some(0.0)),
            ("if(1 < 1, 1, 0)", &[], NeverSkip, Some(0.0)),
            ("if(1 <= 1, 1, 0)", &[], NeverSkip, Some(1.0)),
            ("if(2 > 1, 1, 0)", &[], NeverSkip, Some(1.0)),
            ("if(1 >= 2, 1, 0)", &[], NeverSkip, Some(0.0)),
            ("if(1 + 1 > 1, 10, 20) * 2", &[], NeverSkip, Some(20.0)),
            ("if(1 > 0, 1, 1 / 0)", &[], NeverSkip, Some(1.0)),
            ("if(1 > 0, #{A}, #{B})", &[("A", 1.0)], SkipIfAnyMissing, None),
            ("IF(1 > 0, 1, 2)", &[], NeverSkip, Some(1.0)),
        ];
        for (src, pairs, missing, want) in table {
            let got = eval_with(src, pairs, *missing);
            assert!(close(got, *want), "{src}: got {got:?}, want {want:?}");
        }
    }

    #[test]
    fn overflow_gives_no_value() {
        let big = "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
        let e = Expression::parse(&format!("{big} * {big}")).unwrap();
        assert_eq!(e.eval(&|_| None, &|_| None, MissingValues::NeverSkip), None);
    }

    #[test]
    fn lists_references_in_order_without_repeats() {
        let e = Expression::parse("if(#{B} > 0, #{A} / #{B} * C{K}, #{A.ONLINE} + C{K} + C{J}) - #{A}").unwrap();
        assert_eq!(
            e.element_refs(),
            vec![ElementRef::total("B"), ElementRef::total("A"), ElementRef::option("A", "ONLINE"),]
        );
        assert_eq!(e.constant_refs(), vec!["K".to_string(), "J".to_string()]);
        let e = Expression::parse("#{ DOSSIER-RECEIVED . ONLINE_2 }").unwrap();
        assert_eq!(e.element_refs(), vec![ElementRef::option("DOSSIER-RECEIVED", "ONLINE_2")]);
        assert_eq!(ElementRef::option("A", "B").to_string(), "#{A.B}");
    }

    #[test]
    fn precedence_and_grouping() {
        let canon = |s: &str| Expression::parse(s).unwrap().canonical();
        assert_eq!(canon("1 + 2 * 3"), "(1 + (2 * 3))");
        assert_eq!(canon("1 - 2 - 3"), "((1 - 2) - 3)");
        assert_eq!(canon("#{A} / #{B} * 100"), "((#{A} / #{B}) * 100)");
        assert_eq!(canon("-#{A} * 2"), "((-#{A}) * 2)");
        assert_eq!(canon("-(1 + 2)"), "(-(1 + 2))");
        assert_eq!(canon("2 * -3"), "(2 * (-3))");
        assert_eq!(canon("if(#{A}+1>=2*3,1,0)"), "if((#{A} + 1) >= (2 * 3), 1, 0)");
    }

    #[test]
    fn errors_name_the_position_and_quote_the_source() {
        let table: &[(&str, usize, &str)] = &[
            ("#{A} / (#{B}", 12, "biểu thức không hợp lệ tại vị trí 12: thiếu ')' trong \"#{A} / (#{B}\""),
            ("", 0, "biểu thức rỗng"),
            ("   ", 0, "biểu thức rỗng"),
            ("1 +", 3, "biểu thức không hợp lệ tại vị trí 3: thiếu một số, một tham chiếu hoặc '(' trong \"1 +\""),
            ("1 + * 2", 5, "biểu thức không hợp lệ tại vị trí 5: không mong đợi \"*\" trong \"1 + * 2\""),
            ("(1 + 2))", 8, "biểu thức không hợp lệ tại vị trí 8: không mong đợi \")\" trong \"(1 + 2))\""),
            ("1 2", 3, "biểu thức không hợp lệ tại vị trí 3: không mong đợi \"2\" trong \"1 2\""),
            (
                "#{A} > 0",
                6,
                "biểu thức không hợp lệ tại vị trí 6: phép so sánh chỉ được dùng làm đối số đầu tiên của if trong \"#{A} > 0\"",
            ),
            (
                "abs(#{A} > 0)",
                10,
                "biểu thức không hợp lệ tại vị trí 10: phép so sánh chỉ được dùng làm đối số đầu tiên của if trong \"abs(#{A} > 0)\"",
            ),
            (
                "if(1, 2, 3)",
                4,
                "biểu thức không hợp lệ tại vị trí 4: đối số đầu tiên của if phải là một phép so sánh (<, <=, >, >=, ==, !=) trong \"if(1, 2, 3)\"",
            ),
            (
                "if((1 > 0), 2, 3)",
                7,
                "biểu thức không hợp lệ tại vị trí 7: phép so sánh chỉ được dùng làm đối số đầu tiên của if trong \"if((1 > 0), 2, 3)\"",
            ),
            (
                "if(1 > 0, 2)",
                1,
                "biểu thức không hợp lệ tại vị trí 1: hàm if cần 3 đối số, có 2 trong \"if(1 > 0, 2)\"",
            ),
            (
                "if(1 > 0, 2, 3 > 1)",
                16,
                "biểu thức không hợp lệ tại vị trí 16: phép so sánh chỉ được dùng làm đối số đầu tiên của if trong \"if(1 > 0, 2, 3 > 1)\"",
            ),
            ("abs(1, 2)", 1, "biểu thức không hợp lệ tại vị trí 1: hàm abs cần 1 đối số, có 2 trong \"abs(1, 2)\""),
            ("min()", 1, "biểu thức không hợp lệ tại vị trí 1: hàm min cần ít nhất 1 đối số, có 0 trong \"min()\""),
            (
                "sqrt(4)",
                1,
                "biểu thức không hợp lệ tại vị trí 1: không có hàm \"sqrt\" (dùng abs, round, min, max, if) trong \"sqrt(4)\"",
            ),
            ("abs 4", 5, "biểu thức không hợp lệ tại vị trí 5: thiếu '(' sau tên hàm trong \"abs 4\""),
            ("#{A", 3, "biểu thức không hợp lệ tại vị trí 3: thiếu '}' trong \"#{A\""),
            (
                "#{A B}",
                3,
                "biểu thức không hợp lệ tại vị trí 3: mã \"A B\" không hợp lệ (chỉ gồm chữ, số, '_' và '-') trong \"#{A B}\"",
            ),
            (
                "#{}",
                3,
                "biểu thức không hợp lệ tại vị trí 3: mã \"\" không hợp lệ (chỉ gồm chữ, số, '_' và '-') trong \"#{}\"",
            ),
            (
                "#{A.}",
                3,
                "biểu thức không hợp lệ tại vị trí 3: mã \"A.\" không hợp lệ (chỉ gồm chữ, số, '_' và '-') trong \"#{A.}\"",
            ),
            (
                "#{A.B.C}",
                3,
                "biểu thức không hợp lệ tại vị trí 3: mã \"A.B.C\" không hợp lệ (chỉ gồm chữ, số, '_' và '-') trong \"#{A.B.C}\"",
            ),
            ("#A", 2, "biểu thức không hợp lệ tại vị trí 2: thiếu '{' sau '#' trong \"#A\""),
            (
                "C{}",
                3,
                "biểu thức không hợp lệ tại vị trí 3: mã \"\" không hợp lệ (chỉ gồm chữ, số, '_' và '-') trong \"C{}\"",
            ),
            ("1,5 * 2", 2, "biểu thức không hợp lệ tại vị trí 2: không mong đợi \",\" trong \"1,5 * 2\""),
            (
                "1.2.3",
                1,
                "biểu thức không hợp lệ tại vị trí 1: số \"1.2.3\" không đúng cách viết (dùng dấu chấm cho phần thập phân, không phân cách hàng nghìn) trong \"1.2.3\"",
            ),
            (
                "2x",
                1,
                "biểu thức không hợp lệ tại vị trí 1: số \"2x\" không đúng cách viết (dùng dấu chấm cho phần thập phân, không phân cách hàng nghìn) trong \"2x\"",
            ),
            ("1 = 2", 3, "biểu thức không hợp lệ tại vị trí 3: ký tự '=' không được phép trong \"1 = 2\""),
            ("1 % 2", 3, "biểu thức không hợp lệ tại vị trí 3: ký tự '%' không được phép trong \"1 % 2\""),
            (
                "DOSSIER + 1",
                1,
                "biểu thức không hợp lệ tại vị trí 1: \"DOSSIER\" không phải là hàm; phần tử dữ liệu viết #{DOSSIER}, hằng số viết C{DOSSIER} trong \"DOSSIER + 1\"",
            ),
            (
                "tổng(1)",
                1,
                "biểu thức không hợp lệ tại vị trí 1: không có hàm \"tổng\" (dùng abs, round, min, max, if) trong \"tổng(1)\"",
            ),
            ("(1 + 2", 6, "biểu thức không hợp lệ tại vị trí 6: thiếu ')' trong \"(1 + 2\""),
            ("(1 + 2 3)", 8, "biểu thức không hợp lệ tại vị trí 8: thiếu ')' trong \"(1 + 2 3)\""),
        ];
        for (src, pos, msg) in table {
            let err = Expression::parse(src).expect_err(src);
            assert_eq!(err.to_string(), *msg, "message for {src:?}");
            assert_eq!(err.position(), *pos, "position for {src:?}");
        }
    }

    #[test]
    fn serializes_as_its_source() {
        let e = Expression::parse("#{A} / #{B} * 100").unwrap();
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, "\"#{A} / #{B} * 100\"");
        let back: Expression = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.source(), "#{A} / #{B} * 100");
        assert_eq!(e.to_string(), "#{A} / #{B} * 100");
        let err = serde_json::from_str::<Expression>("\"#{A} / (#{B}\"").unwrap_err();
        assert!(err.to_string().contains("thiếu ')'"), "{err}");
        assert_eq!(serde_json::to_string(&MissingValues::SkipIfAllMissing).unwrap(), "\"skip_if_all_missing\"");
        let parsed: Expression = "1 + 1".parse().unwrap();
        assert_eq!(parsed.source(), "1 + 1");
    }

    // ---------------------------------------------------- property tests

    fn code() -> impl Strategy<Value = String> {
        "[A-Z][A-Z0-9_-]{0,6}"
    }

    fn arb_node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            (0u32..1_000_000u32, 0u32..4u32).prop_map(|(n, d)| Node::Num(n as f64 / 10f64.powi(d as i32))),
            (code(), proptest::option::of(code()))
                .prop_map(|(e, o)| Node::Element(ElementRef { element: e, option: o })),
            code().prop_map(Node::Constant),
        ];
        leaf.prop_recursive(5, 48, 4, |inner| {
            let op = prop_oneof![Just(BinOp::Add), Just(BinOp::Sub), Just(BinOp::Mul), Just(BinOp::Div)];
            let cmp = prop_oneof![
                Just(CmpOp::Lt),
                Just(CmpOp::Le),
                Just(CmpOp::Gt),
                Just(CmpOp::Ge),
                Just(CmpOp::Eq),
                Just(CmpOp::Ne)
            ];
            prop_oneof![
                inner.clone().prop_map(|x| Node::Neg(Box::new(x))),
                (op, inner.clone(), inner.clone()).prop_map(|(op, a, b)| Node::Bin(op, Box::new(a), Box::new(b))),
                inner.clone().prop_map(|x| Node::Call(Func::Abs, vec![x])),
                (inner.clone(), inner.clone()).prop_map(|(x, d)| Node::Call(Func::Round, vec![x, d])),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| Node::Call(Func::Min, v)),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| Node::Call(Func::Max, v)),
                (cmp, inner.clone(), inner.clone(), inner.clone(), inner).prop_map(|(op, l, r, a, b)| Node::If {
                    op,
                    left: Box::new(l),
                    right: Box::new(r),
                    then: Box::new(a),
                    otherwise: Box::new(b),
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn fully_parenthesised_text_parses_back(node in arb_node()) {
            let mut text = String::new();
            write_node(&node, &mut text);
            let parsed = Expression::parse(&text).unwrap();
            prop_assert_eq!(&parsed.ast, &node, "{}", text);
            // and the canonical form is stable
            prop_assert_eq!(parsed.canonical(), text);
        }

        #[test]
        fn canonical_form_evaluates_like_the_source(
            a in -1000i32..1000, b in -1000i32..1000, c in 1i32..1000,
        ) {
            let src = format!("{a} - {b} * #{{X}} / {c} + -#{{X}}");
            let e = Expression::parse(&src).unwrap();
            let e2 = Expression::parse(&e.canonical()).unwrap();
            let vals = |_: &ElementRef| Some(3.5);
            let v1 = e.eval(&vals, &|_| None, MissingValues::NeverSkip);
            let v2 = e2.eval(&vals, &|_| None, MissingValues::NeverSkip);
            prop_assert_eq!(v1, v2);
            let want = a as f64 - b as f64 * 3.5 / c as f64 - 3.5;
            prop_assert!(close(v1, Some(want)));
        }
    }
}
