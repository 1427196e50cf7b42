//! The DOCX renderer: the structure of `word/document.xml` for the sample
//! monthly report (examples/sample.rs), a golden copy of it, the legal-layout
//! checker and a LibreOffice rendering.

#[path = "../examples/sample.rs"]
#[allow(dead_code)]
mod sample;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use chiso_core::number::format_number;
use chiso_report::document::{Block, Cell, ColumnKind, Document, RowKind, Table};
use chiso_report::docx::{DocxError, to_docx};
use roxmltree::Node;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
    let mut f = zip.by_name(name).unwrap_or_else(|_| panic!("{name} in the package"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

fn sample_docx() -> Vec<u8> {
    to_docx(&sample::sample_document()).expect("the sample renders")
}

fn is(n: &Node, name: &str) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(W) && n.tag_name().name() == name
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is(c, name))
}

fn children<'a, 'i>(n: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    n.children().filter(move |c| is(c, name))
}

fn val<'a>(n: Option<Node<'a, '_>>, attr: &str) -> Option<&'a str> {
    n.and_then(|n| n.attribute((W, attr)))
}

fn twips(n: Node, attr: &str) -> i64 {
    n.attribute((W, attr)).unwrap_or_else(|| panic!("{attr} on {:?}", n.tag_name())).parse().unwrap()
}

/// The text of a paragraph (or any element), `w:br` as "\n".
fn text(n: Node) -> String {
    n.descendants()
        .filter(|d| is(d, "t") || is(d, "br"))
        .map(|d| if is(&d, "br") { "\n".to_string() } else { d.text().unwrap_or("").to_string() })
        .collect()
}

/// Direct formatting of the runs of a paragraph that carry text.
#[derive(Debug, PartialEq)]
struct RunFmt {
    size: Option<u32>,
    bold: bool,
    italic: bool,
    font: Option<String>,
}

fn runs(p: Node) -> Vec<RunFmt> {
    children(p, "r")
        .filter(|r| !text(*r).trim().is_empty())
        .map(|r| {
            let rpr = child(r, "rPr");
            let on = |name| rpr.and_then(|x| child(x, name)).is_some_and(|b| val(Some(b), "val") != Some("false"));
            RunFmt {
                size: val(rpr.and_then(|x| child(x, "sz")), "val").map(|s| s.parse().unwrap()),
                bold: on("b"),
                italic: on("i"),
                font: val(rpr.and_then(|x| child(x, "rFonts")), "ascii").map(str::to_string),
            }
        })
        .collect()
}

/// Every text run of `p` has this size (half-points), bold and italic.
fn assert_format(p: Node, size: u32, bold: bool, italic: bool) {
    let rs = runs(p);
    assert!(!rs.is_empty(), "runs in {:?}", text(p));
    for r in rs {
        assert_eq!(
            (r.size, r.bold, r.italic, r.font.as_deref()),
            (Some(size), bold, italic, Some("Times New Roman")),
            "{:?}",
            text(p)
        );
    }
}

fn align<'a>(p: Node<'a, '_>) -> Option<&'a str> {
    val(child(p, "pPr").and_then(|x| child(x, "jc")), "val")
}

fn paragraphs<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Vec<Node<'a, 'i>> {
    doc.descendants().filter(|n| is(n, "p")).collect()
}

fn find_para<'a, 'i>(doc: &'a roxmltree::Document<'i>, wanted: &str) -> Node<'a, 'i> {
    paragraphs(doc).into_iter().find(|p| text(*p) == wanted).unwrap_or_else(|| panic!("a paragraph {wanted:?}"))
}

fn body<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Node<'a, 'i> {
    child(doc.root_element(), "body").expect("w:body")
}

fn rows<'a, 'i>(tbl: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    children(tbl, "tr").collect()
}

fn cells<'a, 'i>(tr: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    children(tr, "tc").collect()
}

fn cell_paras<'a, 'i>(tc: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    children(tc, "p").collect()
}

#[test]
fn page_setup_of_each_section() {
    let docx = sample_docx();
    let xml = part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let sects: Vec<Node> = doc.descendants().filter(|n| is(n, "sectPr")).collect();
    // The report, the landscape Phụ lục I, the portrait Phụ lục II.
    assert_eq!(sects.len(), 3);
    let size = |s: Node| {
        let pg = child(s, "pgSz").unwrap();
        (twips(pg, "w"), twips(pg, "h"), pg.attribute((W, "orient")).map(str::to_string))
    };
    let margins = |s: Node| {
        let m = child(s, "pgMar").unwrap();
        (twips(m, "top"), twips(m, "bottom"), twips(m, "left"), twips(m, "right"))
    };
    // A4 portrait, 20 / 20 / 30 / 15 mm.
    for s in [sects[0], sects[2]] {
        assert_eq!(size(s), (11906, 16838, None));
        assert_eq!(margins(s), (1134, 1134, 1701, 850));
    }
    // A4 turned, the binding edge (30 mm) on top.
    assert_eq!(size(sects[1]), (16838, 11906, Some("landscape".to_string())));
    assert_eq!(margins(sects[1]), (1701, 850, 1134, 1134));

    // Each appendix starts its own section, on a new page (no w:type = continuous).
    for s in &sects {
        assert!(child(*s, "type").is_none_or(|t| val(Some(t), "val") == Some("nextPage")));
        // Page numbering continues: no restart.
        assert!(child(*s, "pgNumType").is_none_or(|p| p.attribute((W, "start")).is_none()));
    }

    // Page numbers: a different first page on the report, a centred PAGE
    // field in the default header, an empty first-page header.
    assert!(child(sects[0], "titlePg").is_some(), "titlePg on the first section");
    assert!(child(sects[1], "titlePg").is_none() && child(sects[2], "titlePg").is_none());
    let rels = part(&docx, "word/_rels/document.xml.rels");
    let target = |kind: &str| {
        let r = children(sects[0], "headerReference")
            .find(|h| val(Some(*h), "type") == Some(kind))
            .unwrap_or_else(|| panic!("{kind} header"));
        let id = r.attribute((R, "id")).unwrap();
        let rels = roxmltree::Document::parse(&rels).unwrap();
        let rel = rels.descendants().find(|n| n.attribute("Id") == Some(id)).expect("the header's relationship");
        format!("word/{}", rel.attribute("Target").unwrap())
    };
    let header = part(&docx, &target("default"));
    let hdoc = roxmltree::Document::parse(&header).unwrap();
    let hp = hdoc.descendants().find(|n| is(n, "p")).unwrap();
    assert_eq!(align(hp), Some("center"));
    assert!(hdoc.descendants().any(|n| is(&n, "instrText") && n.text().unwrap_or("").trim() == "PAGE"));
    assert!(hdoc.descendants().any(|n| is(&n, "fldChar")));
    let first = part(&docx, &target("first"));
    assert!(!first.contains("PAGE"), "no page number on page 1");
}

#[test]
fn fonts_are_times_new_roman_with_a_metric_compatible_fallback() {
    let docx = sample_docx();
    let fonts = part(&docx, "word/fontTable.xml");
    let f = roxmltree::Document::parse(&fonts).unwrap();
    let tnr = f.descendants().find(|n| is(n, "font") && val(Some(*n), "name") == Some("Times New Roman")).unwrap();
    assert_eq!(val(child(tnr, "altName"), "val"), Some("Liberation Serif"));
    let styles = part(&docx, "word/styles.xml");
    let s = roxmltree::Document::parse(&styles).unwrap();
    let defaults = s.descendants().find(|n| is(n, "docDefaults")).unwrap();
    let rf = defaults.descendants().find(|n| is(n, "rFonts")).unwrap();
    assert_eq!(val(Some(rf), "ascii"), Some("Times New Roman"));

    let xml = part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for p in paragraphs(&doc) {
        for r in runs(p) {
            assert_eq!(r.font.as_deref(), Some("Times New Roman"), "{:?}", text(p));
        }
    }
}

#[test]
fn letterhead_is_a_borderless_two_column_table() {
    let xml = part(&sample_docx(), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let tbl = body(&doc).children().find(|n| n.is_element()).unwrap();
    assert!(is(&tbl, "tbl"), "the document opens with the letterhead table");
    let borders = child(child(tbl, "tblPr").unwrap(), "tblBorders").unwrap();
    for b in borders.children().filter(|n| n.is_element()) {
        assert_eq!(val(Some(b), "val"), Some("none"), "{:?}", b.tag_name());
    }
    let rs = rows(tbl);
    assert_eq!(rs.len(), 2);
    let top = cells(rs[0]);
    assert_eq!(top.len(), 2);

    // Left: parent body (13 pt, not bold), issuing body (13 pt bold,
    // capitals, on two balanced lines), a short rule.
    let left = cell_paras(top[0]);
    assert_eq!(text(left[0]), "UBND TỈNH HÒA LÂM");
    assert_format(left[0], 26, false, false);
    assert_eq!(text(left[1]), "SỞ THÔNG TIN VÀ\nTRUYỀN THÔNG");
    assert_format(left[1], 26, true, false);
    let rule = left[2];
    assert_eq!(text(rule), "");
    assert!(rule.descendants().any(|n| is(&n, "top") && val(Some(n), "val") == Some("single")));
    let ind = child(child(rule, "pPr").unwrap(), "ind").unwrap();
    assert!(twips(ind, "left") > 0 && twips(ind, "left") == twips(ind, "right"), "a short, centred rule");

    // Right: the national motto (12 pt bold), the slogan (13 pt bold), a rule.
    let right = cell_paras(top[1]);
    assert_eq!(text(right[0]), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_format(right[0], 24, true, false);
    assert_eq!(text(right[1]), "Độc lập - Tự do - Hạnh phúc");
    assert_format(right[1], 26, true, false);
    assert!(right[2].descendants().any(|n| is(&n, "top")));
    for p in left.iter().chain(&right) {
        assert_eq!(align(*p), Some("center"));
    }

    // Second row: the number line (13 pt) and the place-date line (14 pt italic).
    let bottom = cells(rs[1]);
    let number = cell_paras(bottom[0])[0];
    assert_eq!(text(number), "Số: 125/BC-STTTT");
    assert_format(number, 26, false, false);
    let date = cell_paras(bottom[1])[0];
    assert_eq!(text(date), "Hòa Lâm, ngày 05 tháng 9 năm 2023");
    assert_format(date, 28, false, true);
}

#[test]
fn place_and_date_follow_the_decree() {
    let mut l = sample::sample_document().letterhead;
    let on = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    l.date = on(2024, 2, 5);
    assert_eq!(l.place_date(), "Hòa Lâm, ngày 05 tháng 02 năm 2024");
    l.date = on(2024, 1, 31);
    assert_eq!(l.place_date(), "Hòa Lâm, ngày 31 tháng 01 năm 2024");
    l.date = on(2024, 3, 9);
    assert_eq!(l.place_date(), "Hòa Lâm, ngày 09 tháng 3 năm 2024");
    l.date = on(2024, 12, 25);
    assert_eq!(l.place_date(), "Hòa Lâm, ngày 25 tháng 12 năm 2024");
    // A draft: the signer fills in the day and the month.
    l.date = None;
    l.year = 2026;
    assert_eq!(l.place_date(), "Hòa Lâm, ngày      tháng      năm 2026");

    let mut doc = sample::sample_document();
    doc.letterhead = l;
    doc.letterhead.number = "   /BC-STTTT".into();
    let xml = part(&to_docx(&doc).unwrap(), "word/document.xml");
    let d = roxmltree::Document::parse(&xml).unwrap();
    assert_format(find_para(&d, "Hòa Lâm, ngày      tháng      năm 2026"), 28, false, true);
    find_para(&d, "Số:    /BC-STTTT");
}

#[test]
fn kind_summary_and_headings() {
    let xml = part(&sample_docx(), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let kind = find_para(&doc, "BÁO CÁO");
    assert_eq!(align(kind), Some("center"));
    assert_format(kind, 28, true, false);
    for line in ["Tình hình triển khai Đề án Chuyển đổi số của tỉnh Hòa Lâm", "đến tháng 8 năm 2023"]
    {
        let p = find_para(&doc, line);
        assert_eq!(align(p), Some("center"));
        assert_format(p, 28, true, false);
    }

    // Headings carry the model's numbers: I. and 1. bold, 1.1. bold italic, a) italic.
    for (t, bold, italic) in [
        ("I. KẾT QUẢ TRIỂN KHAI", true, false),
        ("III. ĐỀ XUẤT, KIẾN NGHỊ", true, false),
        ("1. Xây dựng, hoàn thiện thể chế", true, false),
        ("2.1. Dịch vụ công trực tuyến", true, true),
        ("a) Tiếp nhận và giải quyết hồ sơ", false, true),
        ("b) Tồn tại, hạn chế", false, true),
    ] {
        let p = find_para(&doc, t);
        assert_format(p, 28, bold, italic);
        assert!(child(child(p, "pPr").unwrap(), "keepNext").is_some(), "{t} keeps with the next paragraph");
    }

    // Body paragraphs: 14 pt, justified, first-line indent, 6 pt apart.
    let p = paragraphs(&doc)
        .into_iter()
        .find(|p| text(*p).starts_with("Trong tháng 8, đã tiếp nhận 80.020 hồ sơ, đã giải quyết 58.109 hồ sơ"))
        .unwrap();
    assert_eq!(align(p), Some("both"));
    let ppr = child(p, "pPr").unwrap();
    assert!(twips(child(ppr, "ind").unwrap(), "firstLine") >= 567);
    assert_eq!(twips(child(ppr, "spacing").unwrap(), "before"), 120);
    let rs = runs(p);
    assert!(rs.iter().all(|r| r.size == Some(28) && !r.bold));
    assert_eq!(rs.iter().map(|r| r.italic).collect::<Vec<_>>(), [false, true, false], "the model's italic run");

    // Lists: "- item" paragraphs.
    let item = paragraphs(&doc)
        .into_iter()
        .find(|p| text(*p).starts_with("- Các đơn vị, địa phương báo cáo"))
        .expect("a list item with its dash");
    assert_eq!(align(item), Some("both"));
}

/// The rendered table whose header row shows these titles.
fn rendered_table<'a, 'i>(doc: &'a roxmltree::Document<'i>, t: &Table) -> Node<'a, 'i> {
    let titles: Vec<String> = t.columns.iter().map(|c| c.title.clone()).collect();
    doc.descendants()
        .filter(|n| is(n, "tbl"))
        .find(|tbl| {
            rows(*tbl).first().is_some_and(|r| cells(*r).iter().map(|c| text(*c)).collect::<Vec<_>>() == titles)
        })
        .unwrap_or_else(|| panic!("a table headed {titles:?}"))
}

fn model_tables(doc: &Document) -> Vec<&Table> {
    doc.body
        .iter()
        .chain(doc.appendices.iter().flat_map(|a| &a.blocks))
        .filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None })
        .collect()
}

#[test]
fn tables_repeat_their_header_and_totals_add_up() {
    let model = sample::sample_document();
    let xml = part(&to_docx(&model).unwrap(), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let tables = model_tables(&model);
    assert_eq!(tables.len(), 3);
    let mut checked_totals = 0;
    for t in tables {
        assert_eq!(t.wrong_totals(), vec![], "the sample's totals are right");
        let tbl = rendered_table(&doc, t);
        let borders = child(child(tbl, "tblPr").unwrap(), "tblBorders").unwrap();
        assert!(borders.children().filter(|n| n.is_element()).all(|b| val(Some(b), "val") == Some("single")));
        let rs = rows(tbl);
        assert_eq!(rs.len(), t.rows.len() + 1);

        // The header row: repeated on each page, bold, centred.
        let trpr = child(rs[0], "trPr").unwrap();
        assert!(child(trpr, "tblHeader").is_some(), "header row repeats");
        for c in cells(rs[0]) {
            let p = cell_paras(c)[0];
            assert_eq!(align(p), Some("center"));
            assert!(runs(p).iter().all(|r| r.bold));
        }

        for (i, (row, tr)) in t.rows.iter().zip(&rs[1..]).enumerate() {
            assert!(child(*tr, "trPr").and_then(|p| child(p, "tblHeader")).is_none());
            let bold = row.kind != RowKind::Item;
            for (j, (col, tc)) in t.columns.iter().zip(cells(*tr)).enumerate() {
                let p = cell_paras(tc)[0];
                let cell = row.cells.get(j).unwrap_or(&Cell::Empty);
                assert_eq!(text(p), cell.display(Some(col.kind)));
                assert!(runs(p).iter().all(|r| r.bold == bold), "row {i} bold = {bold}");
                if let ColumnKind::Number { decimals } = col.kind {
                    assert_eq!(align(p), Some("right"));
                    // Group, subtotal and total rows show the sum of the items they cover.
                    if let (Some(sum), Cell::Number(_)) = (t.expected_sum(i, j), cell) {
                        assert_eq!(text(p), format_number(sum, decimals as usize), "row {i} column {j}");
                        checked_totals += 1;
                    }
                }
            }
        }
    }
    // 4 columns × 5 non-item rows in Phụ lục I, 2 × 1 in each of the other tables.
    assert_eq!(checked_totals, 24);

    // The grand total of Phụ lục I, as the report's text quotes it.
    let total = paragraphs(&doc).into_iter().filter(|p| text(*p) == "80.020").count();
    assert_eq!(total, 1);
}

#[test]
fn recipients_and_signer_close_the_report() {
    let model = sample::sample_document();
    let xml = part(&to_docx(&model).unwrap(), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let heading = find_para(&doc, "Nơi nhận:");
    assert_format(heading, 24, true, true);
    let tc = heading.parent().unwrap();
    let tbl = tc.ancestors().find(|n| is(n, "tbl")).unwrap();
    assert!(
        child(child(tbl, "tblPr").unwrap(), "tblBorders")
            .unwrap()
            .children()
            .all(|b| { !b.is_element() || val(Some(b), "val") == Some("none") })
    );
    let lines: Vec<String> = cell_paras(tc)[1..].iter().map(|p| text(*p)).collect();
    assert_eq!(lines, model.recipient_lines());
    assert_eq!(lines.first().map(String::as_str), Some("- UBND tỉnh;"));
    assert_eq!(lines.last().map(String::as_str), Some("- Lưu: VT, CĐS-ATTT."));
    for p in &cell_paras(tc)[1..] {
        assert_format(*p, 22, false, false);
    }

    let signer = cells(heading.ancestors().find(|n| is(n, "tr")).unwrap())[1];
    let ps = cell_paras(signer);
    let texts: Vec<String> = ps.iter().map(|p| text(*p)).collect();
    assert_eq!(texts.first().map(String::as_str), Some("KT. GIÁM ĐỐC"));
    assert_eq!(texts[1], "PHÓ GIÁM ĐỐC");
    assert_eq!(texts.last().map(String::as_str), Some("Nguyễn Thị Thanh Thủy"));
    assert!(texts[2..texts.len() - 1].iter().all(String::is_empty) && texts.len() >= 6, "room to sign");
    for p in [ps[0], ps[1], *ps.last().unwrap()] {
        assert_eq!(align(p), Some("center"));
        assert_format(p, 28, true, false);
    }
}

#[test]
fn appendices_have_label_title_and_subtitle() {
    let xml = part(&sample_docx(), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for (t, bold, italic) in [
        ("Phụ lục I", true, false),
        ("KẾT QUẢ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH THÁNG 8 NĂM 2023", true, false),
        ("(Kèm theo Báo cáo số 125/BC-STTTT ngày 05 tháng 9 năm 2023", false, true),
        ("Phụ lục II", true, false),
    ] {
        let p = find_para(&doc, t);
        assert_eq!(align(p), Some("center"));
        assert_format(p, 28, bold, italic);
    }
    // Each label is the first text after a section break.
    let body = body(&doc);
    let items: Vec<Node> = body.children().filter(|n| n.is_element()).collect();
    for label in ["Phụ lục I", "Phụ lục II"] {
        let at = items.iter().position(|n| text(*n) == label).unwrap();
        assert!(items[at - 1].descendants().any(|n| is(&n, "sectPr")), "{label} opens a section");
    }
}

#[test]
fn a_row_wider_than_the_table_is_an_error() {
    let mut doc = sample::sample_document();
    let Block::Table(t) = doc.body.iter_mut().find(|b| matches!(b, Block::Table(_))).unwrap() else { unreachable!() };
    t.rows[0].cells.push(Cell::Number(1.0));
    t.rows[0].cells.push(Cell::Number(2.0));
    let err = to_docx(&doc).unwrap_err();
    assert!(matches!(err, DocxError::RaggedRow { row: 1, cells: 6, columns: 4, .. }), "{err}");
    assert!(err.to_string().contains("Bảng 1. Hạ tầng viễn thông"), "{err}");
}

fn pretty(xml: &str) -> String {
    let mut s = xml.replace("><", ">\n<");
    s.push('\n');
    s
}

#[test]
fn document_xml_is_deterministic_and_matches_the_golden_file() {
    let a = part(&sample_docx(), "word/document.xml");
    let b = part(&sample_docx(), "word/document.xml");
    assert_eq!(a, b, "two renderings of one document are identical");
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sample_document.xml");
    let got = pretty(&a);
    if std::env::var("CHISO_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &got).unwrap();
        eprintln!("rewrote {}", golden.display());
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e} (run with CHISO_BLESS=1 to create it)", golden.display()));
    if want != got {
        let line = want
            .lines()
            .zip(got.lines())
            .position(|(w, g)| w != g)
            .unwrap_or(want.lines().count().min(got.lines().count()));
        panic!(
            "word/document.xml differs from {} at line {} (CHISO_BLESS=1 rewrites it):\n want: {:?}\n  got: {:?}",
            golden.display(),
            line + 1,
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
}

/// The shared legal-layout checker (Python, stdlib only), when this machine has it.
#[test]
fn the_nd30_checker_passes() {
    let checker = Path::new("/work/shared/tools/check-nd30-docx");
    if !checker.exists() {
        eprintln!("note: {} not found; skipped", checker.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sample.docx");
    std::fs::write(&file, sample_docx()).unwrap();
    let out = match Command::new("python3").arg(checker).arg(&file).arg("--verbose").output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("note: python3 not available ({e}); skipped");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}

fn on_path(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(cmd)).find(|p| p.is_file())
}

/// Converts the sample to PDF with LibreOffice, counts its pages and renders
/// page 1 to `target/report-renders/sample-1.png` for a person to look at.
#[test]
fn libreoffice_renders_the_sample() {
    let required = std::env::var("CHISO_LIBREOFFICE_REQUIRED").is_ok_and(|v| v == "1");
    let Some(office) = on_path("libreoffice").or_else(|| on_path("soffice")) else {
        assert!(!required, "CHISO_LIBREOFFICE_REQUIRED=1 but neither libreoffice nor soffice is on PATH");
        eprintln!("note: libreoffice / soffice not on PATH; skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sample.docx");
    std::fs::write(&file, sample_docx()).unwrap();
    // A profile of its own, so a running LibreOffice does not get in the way.
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("profile").display());
    let out = Command::new(office)
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .output()
        .expect("run libreoffice");
    let pdf = dir.path().join("sample.pdf");
    assert!(pdf.is_file(), "no PDF: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    // Pages: two of the report, one landscape page of Phụ lục I, one of Phụ lục II.
    let pages = match Command::new("pdfinfo").arg(&pdf).output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse::<usize>().unwrap()))
            .unwrap(),
        _ => {
            let bytes = std::fs::read(&pdf).unwrap();
            let s = String::from_utf8_lossy(&bytes);
            s.matches("/Type /Page").count() - s.matches("/Type /Pages").count()
        }
    };
    assert_eq!(pages, 4, "pages of the sample");

    let renders = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/report-renders");
    std::fs::create_dir_all(&renders).unwrap();
    match Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(renders.join("sample-1"))
        .output()
    {
        Ok(o) => {
            assert!(o.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&o.stderr));
            let png = renders.join("sample-1.png");
            assert!(png.is_file());
            eprintln!("page 1 rendered to {}", png.display());
        }
        Err(e) => {
            assert!(!required, "pdftoppm: {e}");
            eprintln!("note: pdftoppm not available ({e}); page 1 not rendered");
        }
    }
}

#[test]
fn a_report_without_appendices_is_one_section() {
    let mut doc = sample::sample_document();
    doc.appendices.clear();
    let xml = part(&to_docx(&doc).unwrap(), "word/document.xml");
    let d = roxmltree::Document::parse(&xml).unwrap();
    let sects: Vec<Node> = d.descendants().filter(|n| is(n, "sectPr")).collect();
    assert_eq!(sects.len(), 1);
    assert!(child(sects[0], "titlePg").is_some());
    let kinds: Vec<&str> = children(sects[0], "headerReference").filter_map(|h| val(Some(h), "type")).collect();
    assert_eq!(kinds, ["default", "first"]);
}
