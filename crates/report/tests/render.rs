//! The HTML preview and the XLSX tables of a realistic report: the yearly
//! plan's appendices shaped like ../shared/examples/004 (projects in million
//! đồng with group figures, a subtotal and grand totals; the targets table).

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chiso_report::document::{
    Appendix, Block, Cell, Column, ColumnKind, Document, Letterhead, Row, RowKind, Run, Signer, Table,
};
use chiso_report::html::{PREVIEW_CSS, to_html};
use chiso_report::xlsx::{FIRST_DATA_ROW, HEADER_ROW, XlsxError, sheet_names, tables_to_xlsx};
use chrono::NaiveDate;
use proptest::prelude::*;
use std::io::Cursor;

fn col(title: &str, width: u16, kind: ColumnKind) -> Column {
    Column { title: title.into(), width, kind }
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

fn n(x: f64) -> Cell {
    Cell::Number(x)
}

fn row(kind: RowKind, cells: Vec<Cell>) -> Row {
    Row { kind, cells }
}

/// Phụ lục II of the example: the 2022 investment projects, total first (as
/// in the plan's Phụ lục III), two groups with their figures, a subtotal.
fn projects_2022() -> Table {
    use Cell::Empty;
    use RowKind::*;
    let item = |stt: &str, name: &str, tmdt: f64, y2021: Option<f64>, y2022: f64, state: &str| {
        row(Item, vec![t(stt), t(name), n(tmdt), y2021.map_or(Empty, n), n(y2022), t(state)])
    };
    Table {
        caption: None,
        unit_note: Some("ĐVT: Triệu đồng".into()),
        columns: vec![
            col("Stt", 6, ColumnKind::Centered),
            col("Tên dự án", 40, ColumnKind::Text),
            col("Tổng mức đầu tư", 14, ColumnKind::Number { decimals: 0 }),
            col("Vốn bố trí năm 2021", 12, ColumnKind::Number { decimals: 0 }),
            col("Vốn bố trí năm 2022", 12, ColumnKind::Number { decimals: 0 }),
            col("Hiện trạng", 16, ColumnKind::Text),
        ],
        rows: vec![
            // Stated figures; the XLSX writes formulas there.
            row(Total, vec![Empty, t("TỔNG CỘNG"), Empty, n(12_400.0), n(75_152.0), Empty]),
            row(Group, vec![t("I"), t("Dự án chuyển tiếp"), Empty, n(12_400.0), n(48_200.0), Empty]),
            item(
                "1",
                "Hệ thống thông tin ngành Thông tin và Truyền thông",
                5_600.0,
                Some(2_200.0),
                3_400.0,
                "Đã đưa vào sử dụng",
            ),
            item(
                "2",
                "Cổng dịch vụ công và điều hành tác nghiệp nội bộ",
                21_000.0,
                Some(5_200.0),
                8_300.0,
                "Đang triển khai",
            ),
            item(
                "3",
                "Triển khai Trung tâm điều hành thông minh (IOC)",
                24_999.0,
                Some(5_000.0),
                14_500.0,
                "Đang triển khai",
            ),
            item(
                "4",
                "Nâng cấp hạ tầng chính quyền số & an toàn thông tin",
                55_000.0,
                None,
                22_000.0,
                "Đang triển khai",
            ),
            row(Group, vec![t("II"), t("Dự án khởi công mới"), Empty, Empty, n(26_952.0), Empty]),
            item("5", "CSDL GIS hạ tầng huyện Cao Lãnh", 15_800.0, None, 5_139.0, "Đang triển khai"),
            item("6", "CSDL GIS hạ tầng huyện Lấp Vò", 13_528.0, None, 6_875.0, "Đang triển khai"),
            item("7", "CSDL GIS hạ tầng huyện Lai Vung", 10_135.0, None, 7_008.0, "Đang triển khai"),
            item("8", "Mua sắm thiết bị dạy Tin học", 32_421.0, None, 7_930.0, ""),
            row(Subtotal, vec![Empty, t("Cộng nhóm II"), Empty, Empty, n(26_952.0), Empty]),
        ],
    }
}

/// Phụ lục V: the 2023 projects, total last: 101.241.
fn projects_2023() -> Table {
    let alloc = [
        15_000.0, 18_500.0, 28_000.0, 3_200.0, 4_500.0, 1_100.0, 4_000.0, 1_600.0, 6_000.0, 13_000.0, 5_341.0, 1_000.0,
    ];
    let mut rows: Vec<Row> = alloc
        .iter()
        .enumerate()
        .map(|(i, a)| row(RowKind::Item, vec![n(i as f64 + 1.0), t(&format!("Dự án {}", i + 1)), n(*a), Cell::Empty]))
        .collect();
    rows.push(row(RowKind::Total, vec![Cell::Empty, t("TỔNG CỘNG"), n(101_241.0), Cell::Empty]));
    Table {
        caption: Some("Dự án sử dụng vốn đầu tư công năm 2023".into()),
        unit_note: Some("ĐVT: Triệu đồng".into()),
        columns: vec![
            col("Stt", 6, ColumnKind::Centered),
            col("Tên dự án", 60, ColumnKind::Text),
            col("Vốn năm 2023", 18, ColumnKind::Number { decimals: 0 }),
            col("Ghi chú", 16, ColumnKind::Text),
        ],
        rows,
    }
}

fn targets() -> Table {
    let r = |stt: f64, name: &str, result: Cell, verdict: &str| {
        row(RowKind::Item, vec![n(stt), t(name), result, t(verdict)])
    };
    Table {
        caption: Some("Bảng 1. Kết quả thực hiện các chỉ tiêu năm 2022".into()),
        unit_note: None,
        columns: vec![
            col("Stt", 6, ColumnKind::Centered),
            col("Tên chỉ tiêu", 60, ColumnKind::Text),
            col("Kết quả (%)", 17, ColumnKind::Number { decimals: 2 }),
            col("Đánh giá", 17, ColumnKind::Centered),
        ],
        rows: vec![
            r(3.0, "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ đạt 80% trở lên", n(99.21), "Vượt"),
            r(4.0, "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 50%", n(25.94), "Chưa đạt"),
            r(7.0, "Tỷ lệ họp trực tuyến đạt tối thiểu 80%", t("Trên 85%"), "Vượt"),
        ],
    }
}

fn document() -> Document {
    Document {
        letterhead: Letterhead {
            parent_body: Some("UBND TỈNH HÒA LÂM".into()),
            issuing_body: "SỞ KHOA HỌC VÀ CÔNG NGHỆ".into(),
            number: "05/BC-SKHCN".into(),
            place: "Hòa Lâm".into(),
            date: NaiveDate::from_ymd_opt(2024, 2, 5),
            year: 2024,
        },
        kind: "BÁO CÁO".into(),
        summary: vec!["Kết quả thực hiện Kế hoạch chuyển đổi số".into(), "năm 2023".into()],
        body: vec![
            Block::Heading { level: 1, number: "I.".into(), text: "TÌNH HÌNH THỰC HIỆN MỤC TIÊU".into() },
            Block::Paragraph {
                runs: vec![
                    Run::plain("Đã đạt và vượt "),
                    Run { text: "13/15".into(), bold: true, italic: false },
                    Run::plain(" chỉ tiêu <script>alert(1)</script> & \"khác\" "),
                    Run { text: "(Chi tiết Phụ lục I kèm theo)".into(), bold: false, italic: true },
                ],
            },
            Block::Heading { level: 2, number: "1.".into(), text: "Đơn vị trễ hạn".into() },
            Block::List { items: vec!["Huyện Suối Mây".into(), "Xã <b>Tân</b> Lập".into()] },
            Block::Table(targets()),
        ],
        recipients: vec!["UBND tỉnh (b/c)".into(), "Các sở, ban, ngành;".into(), "Lưu: VT, CĐS.".into()],
        signer: Signer {
            authority: Some("KT. GIÁM ĐỐC".into()),
            title: "PHÓ GIÁM ĐỐC".into(),
            name: "Nguyễn Văn An".into(),
        },
        appendices: vec![
            Appendix {
                label: "Phụ lục II".into(),
                title: "DANH MỤC DỰ ÁN ĐẦU TƯ NĂM 2022".into(),
                subtitle: vec!["(Kèm theo Báo cáo số 05/BC-SKHCN ngày 05/02/2024)".into()],
                landscape: true,
                text_size: None,
                blocks: vec![Block::Table(projects_2022())],
            },
            Appendix {
                label: "Phụ lục V".into(),
                title: "DANH MỤC DỰ ÁN ĐẦU TƯ NĂM 2023".into(),
                subtitle: vec![],
                landscape: false,
                text_size: None,
                blocks: vec![Block::text("Các dự án chuyển tiếp và khởi công mới."), Block::Table(projects_2023())],
            },
        ],
    }
}

#[test]
fn the_example_tables_state_right_totals() {
    for table in [projects_2022(), projects_2023(), targets()] {
        assert_eq!(table.wrong_totals(), vec![], "{:?}", table.caption);
    }
}

// ---------------------------------------------------------------- HTML

fn class_of<'a>(n: &roxmltree::Node<'a, '_>) -> &'a str {
    n.attribute("class").unwrap_or("")
}

fn has_class(n: &roxmltree::Node, class: &str) -> bool {
    class_of(n).split_whitespace().any(|c| c == class)
}

fn text_of(n: &roxmltree::Node) -> String {
    n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect()
}

fn by_class<'a, 'i>(doc: &'a roxmltree::Document<'i>, class: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    doc.descendants().filter(|n| has_class(n, class)).collect()
}

#[test]
fn html_preview_lays_out_the_document() {
    let html = to_html(&document());
    assert!(html.starts_with("<article class=\"nd30\">"), "{html}");
    assert!(!html.contains("<html") && !html.contains("<head>") && !html.contains("<body"));
    // Escaped everywhere: the paragraph, the list, the project name.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;khác&quot;"), "{html}");
    assert!(!html.contains("<script"));
    assert!(html.contains("Xã &lt;b&gt;Tân&lt;/b&gt; Lập"));
    assert!(html.contains("chính quyền số &amp; an toàn"));

    // The fragment is well-formed: read it back and look at its parts.
    let xml = roxmltree::Document::parse(&html).expect("well-formed fragment");
    let root = xml.root_element();
    assert_eq!((root.tag_name().name(), class_of(&root)), ("article", "nd30"));

    let text1 = |class: &str| {
        let nodes = by_class(&xml, class);
        assert_eq!(nodes.len(), 1, "{class}");
        text_of(&nodes[0])
    };
    assert_eq!(text1("nd30-parent-body"), "UBND TỈNH HÒA LÂM");
    assert_eq!(text1("nd30-issuing-body"), "SỞ KHOA HỌC VÀ CÔNG NGHỆ");
    assert_eq!(text1("nd30-number"), "Số: 05/BC-SKHCN");
    assert_eq!(text1("nd30-nation"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_eq!(text1("nd30-slogan"), "Độc lập - Tự do - Hạnh phúc");
    assert_eq!(text1("nd30-place-date"), "Hòa Lâm, ngày 05 tháng 02 năm 2024");
    assert_eq!(text1("nd30-kind"), "BÁO CÁO");
    assert!(html.contains("Kết quả thực hiện Kế hoạch chuyển đổi số<br/>năm 2023"));
    // The left column holds the issuer, the right one the motto and the date.
    let issuer = by_class(&xml, "nd30-issuer")[0];
    assert!(issuer.descendants().any(|d| has_class(&d, "nd30-number")));
    let motto = by_class(&xml, "nd30-motto")[0];
    assert!(motto.descendants().any(|d| has_class(&d, "nd30-place-date")));
    assert!(issuer.next_sibling_element() == Some(motto));

    // Numbered headings, runs, lists.
    let h1 = by_class(&xml, "nd30-h1");
    assert_eq!((h1[0].tag_name().name(), text_of(&h1[0]).as_str()), ("h2", "I. TÌNH HÌNH THỰC HIỆN MỤC TIÊU"));
    assert!(html.contains("<strong>13/15</strong>") && html.contains("<em>(Chi tiết Phụ lục I kèm theo)</em>"));
    let list: Vec<String> =
        by_class(&xml, "nd30-list")[0].children().filter(|c| c.is_element()).map(|c| text_of(&c)).collect();
    assert_eq!(list, ["- Huyện Suối Mây", "- Xã <b>Tân</b> Lập"]);

    // Tables: Vietnamese numbers, right-aligned cells, bold total rows.
    let cells = |row_class: &str| -> Vec<Vec<String>> {
        by_class(&xml, row_class)
            .iter()
            .map(|r| r.children().filter(|c| c.is_element()).map(|c| text_of(&c)).collect())
            .collect()
    };
    let totals = cells("nd30-row-total");
    assert_eq!(totals[0], ["", "TỔNG CỘNG", "", "12.400", "75.152", ""]);
    assert_eq!(totals[1], ["", "TỔNG CỘNG", "101.241", ""]);
    let groups = cells("nd30-row-group");
    assert_eq!(groups[0], ["I", "Dự án chuyển tiếp", "", "12.400", "48.200", ""]);
    assert_eq!(groups[1][4], "26.952");
    assert_eq!(cells("nd30-row-subtotal")[0][4], "26.952");
    let items = cells("nd30-row-item");
    assert_eq!(items[0], ["3", "Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ đạt 80% trở lên", "99,21", "Vượt"]);
    assert_eq!(items[2][2], "Trên 85%");
    assert_eq!(items[3][2..5], ["5.600", "2.200", "3.400"]);
    let number_cells = by_class(&xml, "nd30-cell-number");
    assert!(number_cells.iter().any(|c| c.tag_name().name() == "td" && text_of(c) == "75.152"));
    assert!(PREVIEW_CSS.contains("td.nd30-cell-number { text-align: right"));
    assert!(PREVIEW_CSS.contains(".nd30-row-group td, .nd30-row-subtotal td, .nd30-row-total td { font-weight: bold"));
    assert!(PREVIEW_CSS.contains("overflow-x: auto") && PREVIEW_CSS.contains("Times New Roman"));
    let widths: Vec<&str> =
        xml.descendants().filter(|n| n.has_tag_name("col")).filter_map(|n| n.attribute("style")).collect();
    assert_eq!(&widths[..4], ["width:6.00%", "width:60.00%", "width:17.00%", "width:17.00%"]);
    assert!(by_class(&xml, "nd30-table-scroll").len() == 3);
    assert_eq!(by_class(&xml, "nd30-unit-note").len(), 2);

    // Closing: recipients with "- " and ";" / ".", then the signer.
    let recipients: Vec<String> = by_class(&xml, "nd30-recipients")[0]
        .descendants()
        .filter(|d| d.has_tag_name("li"))
        .map(|d| text_of(&d))
        .collect();
    assert_eq!(recipients, ["- UBND tỉnh (b/c);", "- Các sở, ban, ngành;", "- Lưu: VT, CĐS."]);
    assert_eq!(text1("nd30-recipients-title"), "Nơi nhận:");
    assert_eq!(text1("nd30-authority"), "KT. GIÁM ĐỐC");
    assert_eq!(text1("nd30-signer-title"), "PHÓ GIÁM ĐỐC");
    assert_eq!(text1("nd30-signer-name"), "Nguyễn Văn An");

    // Appendices after the main page, each its own page; landscape marked.
    let pages = by_class(&xml, "nd30-page");
    assert_eq!(pages.len(), 3);
    assert!(has_class(&pages[0], "nd30-main") && pages[0].descendants().any(|d| has_class(&d, "nd30-signer")));
    assert!(has_class(&pages[1], "nd30-appendix") && has_class(&pages[1], "nd30-landscape"));
    assert!(has_class(&pages[2], "nd30-appendix") && !has_class(&pages[2], "nd30-landscape"));
    assert_eq!(text_of(&by_class(&xml, "nd30-appendix-label")[0]), "Phụ lục II");
    assert_eq!(text_of(&by_class(&xml, "nd30-appendix-title")[1]), "DANH MỤC DỰ ÁN ĐẦU TƯ NĂM 2023");
    assert!(PREVIEW_CSS.contains(".nd30-appendix { break-before: page; }"));
}

#[test]
fn html_leaves_a_draft_blank() {
    let mut doc = document();
    doc.letterhead.date = None;
    doc.letterhead.number = "   /BC-SKHCN".into();
    doc.letterhead.parent_body = None;
    let html = to_html(&doc);
    let xml = roxmltree::Document::parse(&html).unwrap();
    let text = |class: &str| text_of(&by_class(&xml, class)[0]).replace('\u{a0}', " ");
    assert_eq!(text("nd30-place-date"), "Hòa Lâm, ngày      tháng      năm 2024");
    assert_eq!(text("nd30-number"), "Số:    /BC-SKHCN");
    assert!(by_class(&xml, "nd30-parent-body").is_empty());
}

// ---------------------------------------------------------------- XLSX

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("a readable XLSX")
}

/// The value at an Excel reference such as "E5".
fn at(range: &calamine::Range<Data>, cell: &str) -> Data {
    let (r, c) = pos(cell);
    range.get_value((r, c)).cloned().unwrap_or(Data::Empty)
}

fn formula(range: &calamine::Range<String>, cell: &str) -> String {
    let (r, c) = pos(cell);
    range.get_value((r, c)).cloned().unwrap_or_default()
}

fn pos(cell: &str) -> (u32, u32) {
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters.bytes().fold(0u32, |a, b| a * 26 + u32::from(b - b'A' + 1)) - 1;
    let row: u32 = cell[letters.len()..].parse().unwrap();
    (row - 1, col)
}

#[test]
fn xlsx_has_one_sheet_per_table_with_formulas_for_totals() {
    let doc = document();
    let mut wb = open(tables_to_xlsx(&doc).unwrap());
    let names = wb.sheet_names();
    assert_eq!(names, ["Bảng 1. Kết quả thực hiện các c", "Phụ lục II", "Phụ lục V"]);
    assert_eq!(names, sheet_names(&doc));
    assert_eq!((HEADER_ROW, FIRST_DATA_ROW), (3, 4));

    // Phụ lục II: title rows, header, the table from row 5.
    let values = wb.worksheet_range("Phụ lục II").unwrap();
    let formulas = wb.worksheet_formula("Phụ lục II").unwrap();
    assert_eq!(at(&values, "A1"), Data::String("Phụ lục II. DANH MỤC DỰ ÁN ĐẦU TƯ NĂM 2022".into()));
    assert_eq!(at(&values, "A2"), Data::String("(Kèm theo Báo cáo số 05/BC-SKHCN ngày 05/02/2024)".into()));
    assert_eq!(at(&values, "F3"), Data::String("ĐVT: Triệu đồng".into()));
    let header: Vec<Data> = ["A4", "B4", "C4", "D4", "E4", "F4"].iter().map(|c| at(&values, c)).collect();
    let titles = ["Stt", "Tên dự án", "Tổng mức đầu tư", "Vốn bố trí năm 2021", "Vốn bố trí năm 2022", "Hiện trạng"];
    assert_eq!(header, titles.map(|s| Data::String(s.into())));

    // Rows: 5 total, 6 group I, 7-10 items, 11 group II, 12-15 items, 16 subtotal.
    assert_eq!(at(&values, "B5"), Data::String("TỔNG CỘNG".into()));
    assert_eq!(at(&values, "C7"), Data::Float(5_600.0));
    assert_eq!(at(&values, "D10"), Data::Empty);
    assert_eq!(formula(&formulas, "C7"), "");
    let expect = [
        ("D5", "SUM(D7:D10,D12:D15)", 12_400.0),
        ("E5", "SUM(E7:E10,E12:E15)", 75_152.0),
        ("D6", "SUM(D7:D10)", 12_400.0),
        ("E6", "SUM(E7:E10)", 48_200.0),
        ("E11", "SUM(E12:E15)", 26_952.0),
        ("E16", "SUM(E12:E15)", 26_952.0),
    ];
    for (cell, f, v) in expect {
        assert_eq!(formula(&formulas, cell), f, "{cell}");
        assert_eq!(at(&values, cell), Data::Float(v), "{cell}");
    }
    // Cells left empty in the model stay empty: no total of the investment sizes.
    for cell in ["C5", "C6", "D11", "D16"] {
        assert_eq!((formula(&formulas, cell), at(&values, cell)), (String::new(), Data::Empty), "{cell}");
    }

    // Phụ lục V: a contiguous total after the items (caption in row 2).
    let values = wb.worksheet_range("Phụ lục V").unwrap();
    let formulas = wb.worksheet_formula("Phụ lục V").unwrap();
    assert_eq!(at(&values, "A2"), Data::String("Dự án sử dụng vốn đầu tư công năm 2023".into()));
    assert_eq!(formula(&formulas, "C17"), "SUM(C5:C16)");
    assert_eq!(at(&values, "C17"), Data::Float(101_241.0));
    assert_eq!(at(&values, "A5"), Data::Float(1.0));

    // The body's targets: numbers stay numbers, texts stay texts.
    let values = wb.worksheet_range("Bảng 1. Kết quả thực hiện các c").unwrap();
    assert_eq!(at(&values, "A1"), Data::String("Bảng 1. Kết quả thực hiện các chỉ tiêu năm 2022".into()));
    assert_eq!(at(&values, "C4"), Data::String("Kết quả (%)".into()));
    assert_eq!(at(&values, "C5"), Data::Float(99.21));
    assert_eq!(at(&values, "C7"), Data::String("Trên 85%".into()));
}

/// What calamine cannot tell: styles, frozen panes, page set-up. Read the parts.
#[test]
fn xlsx_freezes_the_header_and_formats_numbers() {
    let bytes = tables_to_xlsx(&document()).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let styles = read("xl/styles.xml");
    assert!(styles.contains("formatCode=\"#,##0\"") && styles.contains("formatCode=\"#,##0.00\""), "{styles}");
    assert!(styles.contains("Times New Roman"));
    let sheet2 = read("xl/worksheets/sheet2.xml");
    assert!(sheet2.contains("<pane ySplit=\"4\" topLeftCell=\"A5\""), "{sheet2}");
    assert!(sheet2.contains("orientation=\"landscape\"") && sheet2.contains("paperSize=\"9\""));
    let sheet3 = read("xl/worksheets/sheet3.xml");
    assert!(!sheet3.contains("orientation=\"landscape\""));
}

#[test]
fn xlsx_refuses_a_document_without_tables() {
    let mut doc = document();
    doc.body.retain(|b| !matches!(b, Block::Table(_)));
    doc.appendices.clear();
    assert!(matches!(tables_to_xlsx(&doc), Err(XlsxError::NoTables)));
}

// ---------------------------------------------------------------- property

fn arb_table() -> impl Strategy<Value = Table> {
    let kind = prop_oneof![6 => Just(RowKind::Item), 1 => Just(RowKind::Group), 1 => Just(RowKind::Subtotal), 1 => Just(RowKind::Total)];
    let amount = prop_oneof![
        8 => (0i64..10_000_000).prop_map(|x| Cell::Number(x as f64)),
        2 => (-100_000i64..100_000).prop_map(|x| Cell::Number(x as f64 / 100.0)),
        1 => Just(Cell::Empty),
        1 => Just(Cell::Text("Trên 85%".into())),
    ];
    proptest::collection::vec((kind, amount.clone(), amount), 0..30).prop_map(|rows| Table {
        caption: Some("Bảng ngẫu nhiên".into()),
        unit_note: None,
        columns: vec![
            col("Stt", 8, ColumnKind::Centered),
            col("Nội dung", 50, ColumnKind::Text),
            col("Vốn", 20, ColumnKind::Number { decimals: 0 }),
            col("Tỷ lệ", 22, ColumnKind::Number { decimals: 2 }),
        ],
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, (kind, a, b))| {
                let (a, b) = if kind == RowKind::Item { (a, b) } else { (Cell::Number(0.0), Cell::Number(0.0)) };
                row(kind, vec![t(&(i + 1).to_string()), t("dòng"), a, b])
            })
            .collect(),
    })
}

/// The table rows a formula such as "SUM(C5:C7,C9)" or "SUM(SUM(...),...)" names.
fn rows_of_formula(f: &str, letter: char) -> Vec<usize> {
    let inner = f.replace("SUM(", "").replace(')', "");
    let mut rows = Vec::new();
    for part in inner.split(',') {
        let ends: Vec<usize> = part
            .split(':')
            .map(|r| {
                assert!(r.starts_with(letter), "{f}");
                r[1..].parse::<usize>().unwrap() - FIRST_DATA_ROW as usize - 1
            })
            .collect();
        rows.extend(ends[0]..=*ends.last().unwrap());
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn xlsx_totals_cover_exactly_their_items(table in arb_table()) {
        let doc = Document {
            letterhead: document().letterhead,
            kind: "BÁO CÁO".into(),
            summary: vec![],
            body: vec![Block::Table(table.clone())],
            recipients: vec![],
            signer: document().signer,
            appendices: vec![],
        };
        let mut wb = open(tables_to_xlsx(&doc).unwrap());
        let values = wb.worksheet_range("Bảng ngẫu nhiên").unwrap();
        let formulas = wb.worksheet_formula("Bảng ngẫu nhiên").unwrap();
        let items: Vec<usize> = (0..table.rows.len()).filter(|&i| table.rows[i].kind == RowKind::Item).collect();
        for (i, r) in table.rows.iter().enumerate() {
            let excel_row = FIRST_DATA_ROW + i as u32;
            for (j, letter) in [(2usize, 'C'), (3, 'D')] {
                let f = formulas.get_value((excel_row, j as u32)).cloned().unwrap_or_default();
                let v = values.get_value((excel_row, j as u32)).cloned().unwrap_or(Data::Empty);
                if r.kind == RowKind::Item {
                    prop_assert_eq!(f, "");
                    continue;
                }
                // What the row covers, worked out here independently of the writer.
                let covered: Vec<usize> = match r.kind {
                    RowKind::Total => items.clone(),
                    RowKind::Group => (i + 1..table.rows.len()).take_while(|&k| table.rows[k].kind == RowKind::Item).collect(),
                    _ => (0..i).rev().take_while(|&k| table.rows[k].kind == RowKind::Item).collect::<Vec<_>>().into_iter().rev().collect(),
                };
                let expected = table.expected_sum(i, j).unwrap();
                if covered.is_empty() {
                    prop_assert_eq!(f, "");
                    prop_assert_eq!(v, Data::Float(0.0));
                } else {
                    prop_assert_eq!(rows_of_formula(&f, letter), covered, "{}", f);
                    prop_assert_eq!(v, Data::Float(expected));
                }
            }
        }
    }
}
