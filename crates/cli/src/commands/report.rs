//! `chiso report` (an official report from a template: DOCX, HTML, XLSX or
//! PDF) and `chiso template list|export|import` (the stored, versioned
//! templates beside the built-in ones).
//!
//! A template NAME is the latest version stored under that name, else the
//! built-in of that name (`chiso_report::builtin`). PDF is the DOCX converted
//! by LibreOffice (`soffice --headless --convert-to pdf`): no maintained Rust
//! library lays the DOCX out with correct Vietnamese text.

use super::*;
use crate::ReportArgs;
use chiso_core::period::PeriodType;
use chiso_report::document::{Block, Document};
use chiso_report::evaluate::{ReportInput, evaluate, period_words};
use chiso_report::template::Template;
use chiso_report::{builtin, docx, html, xlsx};
use std::path::Path;
use std::process::Command as Process;

/// A template ready to use, and where it came from.
struct Chosen {
    template: Template,
    /// The stored version, or None for the built-in.
    version: Option<u32>,
}

impl Chosen {
    /// "mẫu monthly, phiên bản 2" or "mẫu monthly có sẵn".
    fn describe(&self) -> String {
        match self.version {
            Some(v) => format!("mẫu {}, phiên bản {v}", self.template.name),
            None => format!("mẫu {} có sẵn", self.template.name),
        }
    }
}

/// The latest stored version of `name`, else the built-in.
async fn choose(store: &dyn Store, name: &str) -> Result<Chosen> {
    if let Some(stored) = store.report_template(name, None).await? {
        let template = Template::from_yaml(&stored.body)
            .with_context(|| format!("mẫu báo cáo {name} phiên bản {} đã lưu không đọc được", stored.version))?;
        return Ok(Chosen { template, version: Some(stored.version) });
    }
    match builtin::get(name) {
        Some(template) => Ok(Chosen { template, version: None }),
        None => bail!("không có mẫu báo cáo \"{name}\" (xem `chiso template list`)"),
    }
}

/// The YAML of the latest stored version of `name`, else of the built-in.
async fn template_source(store: &dyn Store, name: &str) -> Result<String> {
    if let Some(stored) = store.report_template(name, None).await? {
        return Ok(stored.body);
    }
    builtin::source(name)
        .map(str::to_string)
        .with_context(|| format!("không có mẫu báo cáo \"{name}\" (xem `chiso template list`)"))
}

/// What to write, by the extension of the output file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Output {
    Docx,
    Html,
    Xlsx,
    Pdf,
}

fn output_of(path: &Path) -> Result<Output> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    Ok(match ext.as_deref() {
        Some("docx") => Output::Docx,
        Some("html" | "htm") => Output::Html,
        Some("xlsx") => Output::Xlsx,
        Some("pdf") => Output::Pdf,
        _ => bail!("không biết ghi báo cáo ra tệp {}: cần phần mở rộng .docx, .html, .xlsx hoặc .pdf", path.display()),
    })
}

pub(super) async fn report(store: &SqliteStore, args: &ReportArgs) -> Result<ExitCode> {
    let output = output_of(&args.out)?;
    let chosen = choose(store, &args.template).await?;
    let template = &chosen.template;
    let model = load_model(store).await?;
    let today = args.today.unwrap_or_else(|| Local::now().date_naive());
    let period = match resolve_periods(&model, &args.pe, today)?.as_slice() {
        [p] => *p,
        [] => bail!("kỳ \"{}\" không chỉ ra kỳ báo cáo nào", args.pe),
        many => bail!("kỳ \"{}\" gồm {} kỳ; báo cáo cần đúng một kỳ", args.pe, many.len()),
    };
    let unit = match &args.ou {
        None => None,
        Some(code) => Some(model.tree().index(code.trim()).with_context(|| format!("đơn vị {code} không tồn tại"))?),
    };
    let engine = load_engine(store, model.clone()).await?;
    // Submissions and narratives of the period, of every form: the template's
    // and any form a list, table or narratives block names.
    let submissions = store.submissions(None, &[period]).await?;
    let narratives = store.narratives(None, Some(&period)).await?;
    let registers = store.load_registers().await?;
    let mut input = ReportInput::new(&engine, period, today);
    input.registers = Some(&registers);
    if let Some(u) = unit {
        input.unit = u;
    }
    input.submissions = &submissions;
    input.narratives = &narratives;
    input.number = args.number.clone();
    input.date = args.date;
    let doc = evaluate(template, &input).with_context(|| format!("không lập được báo cáo từ {}", chosen.describe()))?;

    let bytes = match output {
        Output::Docx => docx::to_docx(&doc)?,
        Output::Html => standalone_html(&doc).into_bytes(),
        Output::Xlsx => xlsx::tables_to_xlsx(&doc)?,
        Output::Pdf => docx_to_pdf(&docx::to_docx(&doc)?)?,
    };
    std::fs::write(&args.out, &bytes).with_context(|| format!("không ghi được tệp {}", args.out.display()))?;

    let size = match output {
        Output::Pdf => pdf_pages(&bytes).map_or_else(|| contents(&doc), |n| format!("{n} trang")),
        Output::Xlsx => format!("{} trang tính", xlsx::sheet_names(&doc).len()),
        Output::Docx | Output::Html => contents(&doc),
    };
    let what = period_words(&period, "label").map_err(anyhow::Error::msg)?;
    let unit_note = unit.map(|u| format!(", {}", model.tree().unit(u).name)).unwrap_or_default();
    println!("Đã ghi báo cáo {what}{unit_note} ({}): {} — {size}", chosen.describe(), args.out.display());
    Ok(ExitCode::SUCCESS)
}

/// "4 mục, 3 bảng, 2 phụ lục": the numbered top-level sections, the tables
/// (body and appendices) and the appendices.
fn contents(doc: &Document) -> String {
    let sections = doc.body.iter().filter(|b| matches!(b, Block::Heading { level: 1, .. })).count();
    let tables = doc
        .body
        .iter()
        .chain(doc.appendices.iter().flat_map(|a| a.blocks.iter()))
        .filter(|b| matches!(b, Block::Table(_)))
        .count();
    let mut parts = vec![format!("{sections} mục"), format!("{tables} bảng")];
    if !doc.appendices.is_empty() {
        parts.push(format!("{} phụ lục", doc.appendices.len()));
    }
    parts.join(", ")
}

/// A complete page around the preview fragment, to open in a browser or print.
fn standalone_html(doc: &Document) -> String {
    let title = std::iter::once(doc.kind.as_str()).chain(doc.summary.iter().map(String::as_str)).collect::<Vec<_>>();
    format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{}</style>\n</head>\n<body>\n{}\n</body>\n</html>\n",
        escape(&title.join(" ")),
        html::PREVIEW_CSS,
        html::to_html(doc)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The DOCX converted to PDF by LibreOffice, in a temporary directory with
/// its own user profile (so it neither waits for nor disturbs a LibreOffice
/// the user has open).
fn docx_to_pdf(docx: &[u8]) -> Result<Vec<u8>> {
    let dir = tempfile::Builder::new().prefix("chiso-pdf-").tempdir().context("không tạo được thư mục tạm")?;
    let input = dir.path().join("baocao.docx");
    std::fs::write(&input, docx)?;
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("profile").display());
    let mut last_error = None;
    for program in ["soffice", "libreoffice"] {
        let run = Process::new(program)
            .args(["--headless", "--norestore", &profile, "--convert-to", "pdf", "--outdir"])
            .arg(dir.path())
            .arg(&input)
            .output();
        match run {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("không chạy được {program}")),
            Ok(out) => {
                let pdf = dir.path().join("baocao.pdf");
                if out.status.success() && pdf.exists() {
                    return Ok(std::fs::read(&pdf)?);
                }
                last_error = Some(format!(
                    "{program} không chuyển được DOCX sang PDF ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
    }
    match last_error {
        Some(e) => bail!("{e}"),
        None => bail!(
            "cần cài LibreOffice (lệnh soffice) để xuất báo cáo ra PDF, ví dụ `apt-get install libreoffice-writer`; \
             có thể ghi ra .docx rồi tự chuyển sang PDF"
        ),
    }
}

/// The page count a PDF states in its page tree(s), when it can be read
/// without a PDF library: the largest "/Count n" of a "/Type /Pages" object.
fn pdf_pages(pdf: &[u8]) -> Option<u32> {
    let text = String::from_utf8_lossy(pdf);
    text.split("obj")
        .filter(|o| o.contains("/Type /Pages") || o.contains("/Type/Pages"))
        .filter_map(|o| {
            let rest = &o[o.find("/Count")? + "/Count".len()..];
            rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse::<u32>().ok()
        })
        .max()
}

pub(super) async fn template_list(store: &SqliteStore, lang: Lang, format: Format) -> Result<ExitCode> {
    let stored = store.report_templates().await?;
    let mut rows = Vec::new();
    let mut json = Vec::new();
    for t in &stored {
        let title = Template::from_yaml(&t.body).map(|p| p.title).unwrap_or_else(|_| "(không đọc được)".into());
        let source = if builtin::source(&t.name).is_some() { "đã lưu (thay mẫu có sẵn)" } else { "đã lưu" };
        rows.push(vec![
            t.name.clone(),
            title.clone(),
            t.version.to_string(),
            t.author.clone(),
            t.created_at.format("%d/%m/%Y %H:%M").to_string(),
            source.to_string(),
        ]);
        json.push(json!({
            "name": t.name, "title": title, "version": t.version, "author": t.author,
            "created_at": t.created_at, "builtin": false,
        }));
    }
    for name in builtin::NAMES {
        if stored.iter().any(|t| t.name == *name) {
            continue;
        }
        let title = builtin::get(name).map(|t| t.title).unwrap_or_default();
        rows.push(vec![
            name.to_string(),
            title.clone(),
            "—".into(),
            "—".into(),
            "—".into(),
            lang.t("có sẵn", "built-in").to_string(),
        ]);
        json.push(json!({ "name": name, "title": title, "version": null, "author": null, "created_at": null, "builtin": true }));
    }
    rows.sort_by(|a, b| a[0].cmp(&b[0]));
    Report {
        headers: headers(
            lang,
            &[
                ("Tên", "Name"),
                ("Tiêu đề", "Title"),
                ("Phiên bản", "Version"),
                ("Người lưu", "Author"),
                ("Ngày lưu", "Saved"),
                ("Nguồn", "Source"),
            ],
        ),
        rows,
        numeric: vec![2],
        json: serde_json::Value::Array(json),
        footer: vec![],
    }
    .print(format)?;
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn template_export(store: &SqliteStore, name: &str, out: Option<&Path>) -> Result<ExitCode> {
    let body = template_source(store, name).await?;
    match out {
        Some(path) => {
            std::fs::write(path, &body).with_context(|| format!("không ghi được tệp {}", path.display()))?;
            eprintln!("Đã xuất mẫu báo cáo {name}: {}", path.display());
        }
        None => crate::output::write_stdout(&body)?,
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn template_import(store: &SqliteStore, file: &Path, name: Option<&str>) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("không đọc được tệp {}", file.display()))?;
    let fail =
        |e: &dyn std::fmt::Display| anyhow::anyhow!("KHÔNG lưu mẫu báo cáo vì tệp {} có lỗi: {e}", file.display());
    let mut template = Template::from_yaml(&text).map_err(|e| fail(&e))?;
    // A new name rewrites the file's YAML; otherwise the text is kept as the
    // office wrote it, comments included.
    let body = match name.map(str::trim) {
        Some(n) if n != template.name => {
            template.name = n.to_string();
            template.check().map_err(|e| fail(&e))?;
            template.to_yaml()
        }
        _ => text,
    };
    let model = load_model(store).await?;
    template.check_model(&model).map_err(|e| fail(&e))?;
    trial(&template, model).map_err(|e| fail(&e))?;

    let user = std::env::var("USER").ok().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "cli".into());
    let previous = store.report_template(&template.name, None).await?.map(|t| t.version);
    let mut tx = store.begin_as(&Actor::new(user, "cli")).await?;
    let version = tx.save_report_template(&template.name, &body).await?;
    tx.commit().await?;
    if previous == Some(version) {
        println!("Mẫu báo cáo {} không đổi so với phiên bản {version}: không lưu phiên bản mới.", template.name);
    } else {
        println!("Đã lưu mẫu báo cáo {} ({}), phiên bản {version}.", template.name, template.title);
    }
    Ok(ExitCode::SUCCESS)
}

/// Evaluates the template once on the metadata with no figures, for the
/// current period of its kind: codes inside texts (`value("HS_XYZ")`) are
/// only known then, and the error names the place and the call.
fn trial(template: &Template, model: Arc<Model>) -> Result<(), chiso_report::evaluate::ReportError> {
    let mut engine = MemoryEngine::new(model);
    engine.finish();
    let kind: PeriodType = template.period_type;
    let period = Period::containing(kind, Local::now().date_naive());
    let registers = chiso_core::register::Registers::default(); // no figures, no registers: only the template is tried
    evaluate(
        template,
        &ReportInput { registers: Some(&registers), ..ReportInput::new(&engine, period, Local::now().date_naive()) },
    )
    .map(|_| ())
}
