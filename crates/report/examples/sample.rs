//! Writes the sample monthly report as DOCX:
//! `cargo run -p chiso-report --example sample -- out.docx`, then
//! `/work/shared/tools/check-nd30-docx out.docx --verbose` or open it in Word.
//!
//! The document is the monthly report of a provincial Department of
//! Information and Communications (after `examples/000_*.txt` of the shared
//! folder), with a landscape appendix whose table has groups, items,
//! subtotals and a total, and a portrait appendix. The integration tests
//! (`tests/docx.rs`) include this file to render the same document.

use chiso_report::document::{
    Appendix, Block, Cell, Column, ColumnKind, Document, Letterhead, Row, RowKind, Run, Signer, Table,
};

pub fn sample_document() -> Document {
    let h = |level: u8, number: &str, text: &str| Block::Heading { level, number: number.into(), text: text.into() };
    let p = Block::text;
    Document {
        letterhead: Letterhead {
            parent_body: Some("UBND tỉnh Hòa Lâm".into()),
            issuing_body: "Sở Thông tin và Truyền thông".into(),
            number: "125/BC-STTTT".into(),
            place: "Hòa Lâm".into(),
            date: chrono::NaiveDate::from_ymd_opt(2023, 9, 5),
            year: 2023,
        },
        kind: "BÁO CÁO".into(),
        summary: vec![
            "Tình hình triển khai Đề án Chuyển đổi số của tỉnh Hòa Lâm".into(),
            "đến tháng 8 năm 2023".into(),
        ],
        body: vec![
            Block::Paragraph {
                runs: vec![Run::plain(
                    "Thực hiện Công văn số 1015/VPUBND-THVX ngày 06 tháng 7 năm 2023 của Văn phòng Ủy ban nhân dân \
                         tỉnh về việc chuẩn bị nội dung báo cáo tình hình thực hiện các chương trình, đề án, nhiệm vụ \
                         trọng tâm của UBND tỉnh, Sở Thông tin và Truyền thông báo cáo tình hình triển khai Đề án \
                         Chuyển đổi số tỉnh Hòa Lâm đến tháng 8/2023 như sau:",
                )],
            },
            h(1, "I.", "KẾT QUẢ TRIỂN KHAI"),
            h(2, "1.", "Xây dựng, hoàn thiện thể chế"),
            p("Tỉnh đã ban hành khá đầy đủ các chương trình, kế hoạch chuyển đổi số trên cả 3 trụ cột: chính quyền \
               số, kinh tế số, xã hội số theo chỉ đạo của các cơ quan Trung ương; Kế hoạch hỗ trợ doanh nghiệp nhỏ \
               và vừa chuyển đổi số; Kế hoạch đào tạo nguồn nhân lực chuyển đổi số."),
            h(2, "2.", "Phát triển, cung cấp các ứng dụng, dịch vụ cho người dân, doanh nghiệp"),
            h(3, "2.1.", "Dịch vụ công trực tuyến"),
            p("Tỉnh đã cung cấp được 875 DVCTT toàn trình (đạt tỷ lệ 48%), 533 DVCTT một phần (29,2%) trên tổng số \
               1.823 thủ tục hành chính."),
            h(4, "a)", "Tiếp nhận và giải quyết hồ sơ"),
            Block::Paragraph {
                runs: vec![
                    Run::plain(
                        "Trong tháng 8, đã tiếp nhận 80.020 hồ sơ, đã giải quyết 58.109 hồ sơ, trong đó giải quyết \
                         đúng hạn 53.531 hồ sơ (đạt tỷ lệ 92,12%), trễ hạn 629 hồ sơ (chiếm tỷ lệ 1,08%) ",
                    ),
                    Run { text: "(chi tiết tại Phụ lục I kèm theo)".into(), bold: false, italic: true },
                    Run::plain(
                        ". Tổng đài 1022 của tỉnh đã tiếp nhận và xử lý 365/366 ý kiến phản ánh của người dân, doanh nghiệp, đạt tỷ lệ 99,73%.",
                    ),
                ],
            },
            h(4, "b)", "Tồn tại, hạn chế"),
            p("Tỷ lệ hồ sơ nộp trực tuyến còn thấp ở cấp xã; một số đơn vị chưa cập nhật kịp thời kết quả giải \
               quyết trên hệ thống."),
            h(2, "3.", "Phát triển hạ tầng số"),
            p("Mạng viễn thông tiếp tục phát triển, tổng số trạm thu, phát sóng thông tin di động toàn tỉnh hiện nay \
               hơn 5.000 trạm, cung cấp dịch vụ cho 1.205.780 thuê bao sử dụng điện thoại thông minh; 100% khóm, ấp \
               có đường truyền internet cáp quang với tỷ lệ hộ gia đình sử dụng đạt 83,66%."),
            Block::Table(Table {
                caption: Some("Bảng 1. Hạ tầng viễn thông đến tháng 8 năm 2023".into()),
                unit_note: Some("ĐVT: Trạm".into()),
                columns: vec![
                    Column { title: "STT".into(), width: 8, kind: ColumnKind::Centered },
                    Column { title: "Doanh nghiệp".into(), width: 42, kind: ColumnKind::Text },
                    Column { title: "Trạm 4G".into(), width: 25, kind: ColumnKind::Number { decimals: 0 } },
                    Column { title: "Trạm 5G".into(), width: 25, kind: ColumnKind::Number { decimals: 0 } },
                ],
                rows: vec![
                    item(&["1", "VNPT Hòa Lâm"], &[1850.0, 42.0]),
                    item(&["2", "Viettel Hòa Lâm"], &[2214.0, 65.0]),
                    item(&["3", "MobiFone Hòa Lâm"], &[978.0, 12.0]),
                    row(RowKind::Total, &["", "Tổng cộng"], &[5042.0, 119.0]),
                ],
            }),
            h(1, "II.", "ĐÁNH GIÁ CHUNG"),
            p("Nhìn chung các chỉ số chuyển đổi số của tỉnh đều có bước tiến bộ, tuy nhiên tốc độ còn chậm so với \
               yêu cầu đề ra. Sở Thông tin và Truyền thông đã dự thảo Kế hoạch cải thiện chỉ số DTI năm 2023, trình \
               UBND tỉnh ban hành."),
            h(1, "III.", "ĐỀ XUẤT, KIẾN NGHỊ"),
            Block::List {
                items: vec![
                    "Ủy ban nhân dân tỉnh xem xét bổ sung nguồn nhân lực chuyên trách chuyển đổi số, an toàn thông \
                     tin mạng cho các cơ quan quản lý nhà nước về chuyển đổi số."
                        .into(),
                    "Các đơn vị, địa phương báo cáo tình hình chuyển đổi số đúng thời gian quy định để việc tổng hợp, \
                     báo cáo được đầy đủ, chính xác hơn."
                        .into(),
                ],
            },
            p("Trên đây là báo cáo tình hình triển khai Đề án Chuyển đổi số tỉnh Hòa Lâm tháng 8/2023. Kính gửi Văn \
               phòng UBND tỉnh tổng hợp./."),
        ],
        recipients: vec![
            "UBND tỉnh".into(),
            "VP. UBND tỉnh".into(),
            "Các sở, ngành tỉnh".into(),
            "UBND các huyện, thành phố".into(),
            "GĐ và các PGĐ Sở".into(),
            "Lưu: VT, CĐS-ATTT".into(),
        ],
        signer: Signer {
            authority: Some("KT. GIÁM ĐỐC".into()),
            title: "PHÓ GIÁM ĐỐC".into(),
            name: "Nguyễn Thị Thanh Thủy".into(),
        },
        appendices: vec![
            Appendix {
                label: "Phụ lục I".into(),
                title: "KẾT QUẢ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH THÁNG 8 NĂM 2023".into(),
                subtitle: vec![
                    "(Kèm theo Báo cáo số 125/BC-STTTT ngày 05 tháng 9 năm 2023".into(),
                    "của Sở Thông tin và Truyền thông)".into(),
                ],
                landscape: true,
                text_size: None,
                blocks: vec![Block::Table(Table {
                    caption: None,
                    unit_note: Some("ĐVT: Hồ sơ".into()),
                    columns: vec![
                        Column { title: "STT".into(), width: 6, kind: ColumnKind::Centered },
                        Column { title: "Đơn vị".into(), width: 34, kind: ColumnKind::Text },
                        Column { title: "Tiếp nhận".into(), width: 12, kind: ColumnKind::Number { decimals: 0 } },
                        Column {
                            title: "Đã giải quyết".into(), width: 12, kind: ColumnKind::Number { decimals: 0 }
                        },
                        Column { title: "Đúng hạn".into(), width: 12, kind: ColumnKind::Number { decimals: 0 } },
                        Column { title: "Trễ hạn".into(), width: 10, kind: ColumnKind::Number { decimals: 0 } },
                        Column { title: "Ghi chú".into(), width: 14, kind: ColumnKind::Text },
                    ],
                    rows: vec![
                        row(RowKind::Group, &["I", "Sở, ban, ngành tỉnh"], &[32750.0, 24855.0, 22861.0, 269.0]),
                        item(&["1", "Sở Tài nguyên và Môi trường"], &[12480.0, 9215.0, 8502.0, 95.0]),
                        item(&["2", "Sở Kế hoạch và Đầu tư"], &[6310.0, 5102.0, 4811.0, 12.0]),
                        item(&["3", "Sở Giao thông vận tải"], &[9745.0, 7330.0, 6598.0, 140.0]),
                        item(&["4", "Sở Tư pháp"], &[4215.0, 3208.0, 2950.0, 22.0]),
                        row(RowKind::Subtotal, &["", "Cộng I"], &[32750.0, 24855.0, 22861.0, 269.0]),
                        row(RowKind::Group, &["II", "UBND cấp huyện"], &[47270.0, 33254.0, 30670.0, 360.0]),
                        item(&["1", "UBND thành phố Hòa Lâm"], &[18902.0, 12870.0, 11754.0, 160.0]),
                        item(&["2", "UBND huyện Đông Sơn"], &[14611.0, 10520.0, 9741.0, 118.0]),
                        item(&["3", "UBND huyện Tây Hà"], &[13757.0, 9864.0, 9175.0, 82.0]),
                        row(RowKind::Subtotal, &["", "Cộng II"], &[47270.0, 33254.0, 30670.0, 360.0]),
                        row(RowKind::Total, &["", "Tổng cộng"], &[80020.0, 58109.0, 53531.0, 629.0]),
                    ],
                })],
            },
            Appendix {
                label: "Phụ lục II".into(),
                title: "DANH MỤC DỰ ÁN CHUYỂN ĐỔI SỐ NĂM 2023".into(),
                subtitle: vec!["(Kèm theo Báo cáo số 125/BC-STTTT ngày 05 tháng 9 năm 2023)".into()],
                landscape: false,
                text_size: None,
                blocks: vec![Block::Table(Table {
                    caption: None,
                    unit_note: Some("ĐVT: Triệu đồng".into()),
                    columns: vec![
                        Column { title: "STT".into(), width: 8, kind: ColumnKind::Centered },
                        Column { title: "Tên dự án".into(), width: 44, kind: ColumnKind::Text },
                        Column {
                            title: "Tổng mức đầu tư".into(), width: 16, kind: ColumnKind::Number { decimals: 0 }
                        },
                        Column { title: "Vốn năm 2023".into(), width: 16, kind: ColumnKind::Number { decimals: 0 } },
                        Column { title: "Giải ngân (%)".into(), width: 16, kind: ColumnKind::Centered },
                    ],
                    rows: vec![
                        project("1", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", 21000.0, 8300.0, "62,5"),
                        project("2", "Trung tâm điều hành thông minh (IOC)", 24999.0, 14500.0, "48,2"),
                        project("3", "Nâng cấp hạ tầng Trung tâm tích hợp dữ liệu tỉnh", 55000.0, 22000.0, "35,0"),
                        row(RowKind::Total, &["", "Tổng cộng"], &[100999.0, 44800.0]),
                    ],
                })],
            },
        ],
    }
}

fn row(kind: RowKind, texts: &[&str], numbers: &[f64]) -> Row {
    let mut cells: Vec<Cell> =
        texts.iter().map(|t| if t.is_empty() { Cell::Empty } else { Cell::Text((*t).into()) }).collect();
    cells.extend(numbers.iter().map(|x| Cell::Number(*x)));
    Row { kind, cells }
}

fn item(texts: &[&str], numbers: &[f64]) -> Row {
    row(RowKind::Item, texts, numbers)
}

fn project(n: &str, name: &str, total: f64, year: f64, disbursed: &str) -> Row {
    let mut r = item(&[n, name], &[total, year]);
    r.cells.push(Cell::Text(disbursed.into()));
    r
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "sample.docx".to_string());
    let doc = sample_document();
    let bytes = chiso_report::docx::to_docx(&doc)?;
    std::fs::write(&out, bytes)?;
    eprintln!("đã ghi {out}");
    Ok(())
}
