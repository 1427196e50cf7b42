//! End-to-end: the real `chiso` binary on fixtures, as an office would use it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiso.db");
        Db { _dir: dir, path }
    }

    /// Runs chiso and returns (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_chiso")).arg("--db").arg(&self.path).args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// As `run`, as the login user `user` ($USER).
    fn run_as(&self, user: &str, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_chiso"))
            .env("USER", user)
            .arg("--db")
            .arg(&self.path)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "chiso {args:?} failed:\n{out}\n{err}");
        out
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let (_, out, err) = self.run(&a);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("chiso {args:?}: {e}\n{out}\n{err}"))
    }

    fn province() -> Db {
        let db = Db::new();
        db.ok(&["init", "--metadata", data("province.yaml").to_str().unwrap()]);
        db
    }
}

#[test]
fn the_2022_targets_give_6_exceeded_7_met_2_not_met() {
    let db = Db::province();
    let evals = db.json(&["targets", "--plan", "KH_2022", "--today", "2023-02-01"]);
    let verdicts: Vec<(String, String)> = evals
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["target"]["code"].as_str().unwrap().to_string(), e["verdict"].as_str().unwrap().to_string()))
        .collect();
    let expected = [
        ("CT01", "met"),
        ("CT02", "met"),
        ("CT03", "exceeded"),
        ("CT04", "not_met"),
        ("CT05", "exceeded"),
        ("CT06", "not_met"),
        ("CT07", "exceeded"),
        ("CT08", "met"),
        ("CT09", "met"),
        ("CT10", "exceeded"),
        ("CT11", "exceeded"),
        ("CT12", "met"),
        ("CT13", "met"),
        ("CT14", "exceeded"),
        ("CT15", "met"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(c, v)| (c.to_string(), v.to_string())).collect();
    assert_eq!(verdicts, expected);
    let table = db.ok(&["targets", "--plan", "KH_2022", "--today", "2023-02-01"]);
    assert!(table.contains("15 chỉ tiêu — Vượt: 6, Đạt: 7, Chưa đạt: 2"), "{table}");
    assert!(table.contains("Trên 85%"), "results are shown as stated:\n{table}");
}

#[test]
fn the_august_dossier_figures_give_92_12_percent_and_catch_the_stated_late_rate() {
    let db = Db::province();
    let csv = data("dossiers-202308.csv");
    let out = db.ok(&["import", csv.to_str().unwrap()]);
    assert!(out.contains('5'), "five values imported:\n{out}");
    let grid = db.json(&["analytics", "--dx", "TL_DUNG_HAN;TL_TRE_HAN;HS_GIAI_QUYET", "--pe", "202308", "--ou", "TT"]);
    let rows: Vec<Vec<String>> = serde_json::from_value(grid["rows"].clone()).unwrap();
    let value = |dx: &str| rows.iter().find(|r| r[0] == dx).map(|r| r[3].clone()).unwrap();
    assert_eq!(value("HS_GIAI_QUYET"), "58109");
    assert_eq!(&value("TL_DUNG_HAN")[..5], "92.12");
    assert_eq!(&value("TL_TRE_HAN")[..4], "1.08");
    // The table shows Vietnamese formats.
    let table = db.ok(&["analytics", "--dx", "TL_DUNG_HAN;HS_GIAI_QUYET", "--pe", "202308", "--ou", "TT"]);
    assert!(table.contains("92,12") && table.contains("58.109") && table.contains("Tháng 8/2023"), "{table}");
    // The stated 0,01% against 629 / 58.109 = 1,08%.
    let (code, out, _) = db.run(&["validate", "--format", "json"]);
    assert_eq!(code, 1, "violations make validate exit 1");
    let v: Value = serde_json::from_str(&out).unwrap();
    let v = v.as_array().unwrap();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0]["rule"], "TL_TRE_HAN_KHOP");
    assert_eq!(v[0]["unit"], "TT");
    assert_eq!(v[0]["period"], "202308");
    assert_eq!(v[0]["left"], 0.01);
    assert_eq!(format!("{:.2}", v[0]["right"].as_f64().unwrap()), "1.08");
}

#[test]
fn a_bad_row_imports_nothing_and_is_named() {
    let db = Db::province();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "dataelement,period,orgunit,categoryoptioncombo,value\nHS_TIEP_NHAN,202309,SO_KHCN,,1.200\nHS_GIAI_QUYET,202309,SO_KHCN,,\"12,5\"\n",
    )
    .unwrap();
    let (code, out, err) = db.run(&["import", bad.to_str().unwrap()]);
    assert_ne!(code, 0);
    let text = format!("{out}{err}");
    assert!(text.contains("bad.csv") && text.contains('3'), "names file and line:\n{text}");
    let grid = db.json(&["analytics", "--dx", "HS_TIEP_NHAN", "--pe", "202309", "--ou", "TT"]);
    assert_eq!(grid["rows"].as_array().unwrap().len(), 0, "nothing was written");
}

#[test]
fn metadata_exports_and_reimports_unchanged() {
    let db = Db::province();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("meta.yaml");
    db.ok(&["export", "metadata", "--out", out.to_str().unwrap()]);
    let again = Db::new();
    again.ok(&["init", "--metadata", out.to_str().unwrap()]);
    let out2 = dir.path().join("meta2.yaml");
    again.ok(&["export", "metadata", "--out", out2.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), std::fs::read_to_string(&out2).unwrap());
}

#[test]
fn the_demo_province_answers_sensibly() {
    let db = Db::new();
    db.ok(&["demo", "--today", "2026-11-23"]);
    let today = ["--today", "2026-11-23"];
    // Targets: a mix of verdicts, some in progress, some at risk.
    let evals = db.json(&["targets", today[0], today[1]]);
    let evals = evals.as_array().unwrap();
    assert!(evals.len() >= 30);
    for v in ["exceeded", "met", "not_met", "in_progress"] {
        assert!(evals.iter().any(|e| e["verdict"] == v), "no target is {v}");
    }
    assert!(evals.iter().any(|e| e["at_risk"] == true), "some targets are at risk");
    // Completeness: some late or missing, rates between 0 and 100.
    let c = db.json(&["completeness", today[0], today[1]]);
    for f in c.as_array().unwrap() {
        let rate = f["reportingRate"].as_f64().unwrap();
        assert!((50.0..=100.0).contains(&rate), "{f}");
    }
    // Validation finds a few violations.
    let (code, out, _) = db.run(&["validate", "--pe", "THIS_YEAR", "--format", "json", today[0], today[1]]);
    assert_eq!(code, 1);
    let n = serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().len();
    assert!((1..500).contains(&n), "{n} violations");
}

// ---------------------------------------------------------------------------
// Official reports

/// The demo database, made once per test (each test owns its copy).
fn demo() -> Db {
    let db = Db::new();
    db.ok(&["demo", "--today", "2026-11-23"]);
    db
}

/// One figure of `chiso analytics` (JSON) for the province.
fn figure(db: &Db, dx: &str, pe: &str) -> f64 {
    let grid = db.json(&["analytics", "--dx", dx, "--pe", pe, "--ou", "HL"]);
    let rows: Vec<Vec<String>> = serde_json::from_value(grid["rows"].clone()).unwrap();
    rows.iter().find(|r| r[0] == dx).unwrap_or_else(|| panic!("no {dx} in {rows:?}"))[3].parse().unwrap()
}

/// 75456 → "75.456"; 96.1403 with 2 decimals → "96,14" (Vietnamese style).
fn vi(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(*c);
    }
    if let Some(f) = frac {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// The text of `word/document.xml` in a DOCX.
fn document_xml(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    xml
}

#[test]
fn the_monthly_report_states_the_engines_figures_in_every_format() {
    let db = demo();
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let report = |file: &Path| {
        db.ok(&[
            "report",
            "--template",
            "monthly",
            "--pe",
            "202610",
            "--today",
            "2026-11-23",
            "--out",
            file.to_str().unwrap(),
        ])
    };

    let received = vi(figure(&db, "HS_TIEP_NHAN", "202610"), 0);
    let resolved = vi(figure(&db, "HS_GIAI_QUYET", "202610"), 0);
    let on_time = format!("{}%", vi(figure(&db, "TL_DUNG_HAN", "202610"), 2));
    assert_eq!(received, "75.456");

    let said = report(&out("bc-202610.docx"));
    assert!(said.contains("Đã ghi báo cáo tháng 10/2026 (mẫu monthly có sẵn)"), "{said}");
    assert!(said.contains("bc-202610.docx"), "{said}");
    let xml = document_xml(&out("bc-202610.docx"));
    assert!(xml.contains(&format!("đã tiếp nhận {received} hồ sơ")), "received dossiers");
    assert!(xml.contains(&format!("đã giải quyết {resolved} hồ sơ")), "resolved dossiers");
    assert!(xml.contains(&format!("(đạt tỷ lệ {on_time})")), "on-time rate");
    assert!(xml.contains("BÁO CÁO") && xml.contains("tháng 10 năm 2026"));

    report(&out("bc.html"));
    let html = std::fs::read_to_string(out("bc.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"), "{}", &html[..80]);
    assert!(html.contains("<meta charset=\"utf-8\">") && html.contains(".nd30"), "a standalone page with its CSS");
    assert!(html.contains("Tình hình triển khai chuyển đổi số của tỉnh Hòa Lâm"), "the summary");
    assert!(html.contains(&received) && html.contains(&on_time));

    report(&out("bc.xlsx"));
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(out("bc.xlsx")).unwrap();
    let sheets = calamine::Reader::sheet_names(&book);
    assert!(sheets.iter().any(|s| s == "Phụ lục I"), "the targets sheet: {sheets:?}");
    let targets = calamine::Reader::worksheet_range(&mut book, "Phụ lục I").unwrap();
    let cells: Vec<String> = targets.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c.contains("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU")), "{cells:?}");
    assert!(cells.iter().any(|c| c == "Vượt"), "verdicts are there");

    // PDF through LibreOffice, when it is installed.
    if Command::new("soffice").arg("--version").output().is_ok() {
        let said = report(&out("bc.pdf"));
        let pdf = std::fs::read(out("bc.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{said}");
        assert!(said.contains("trang"), "{said}");
    } else {
        eprintln!("soffice is not installed: the PDF is not checked");
    }
}

#[test]
fn an_edited_template_is_imported_as_a_version_with_its_author() {
    let db = demo();
    let dir = tempfile::tempdir().unwrap();
    let listed = db.ok(&["template", "list"]);
    assert!(listed.contains("monthly") && listed.contains("weekly") && listed.contains("có sẵn"), "{listed}");

    let file = dir.path().join("monthly.yaml");
    db.ok(&["template", "export", "monthly", "-o", file.to_str().unwrap()]);
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(yaml.contains("GĐ và các PGĐ Sở"));
    std::fs::write(&file, yaml.replace("GĐ và các PGĐ Sở", "Giám đốc và các Phó Giám đốc Sở")).unwrap();
    let (code, out, err) = db.run_as("vp_dieuphoi", &["template", "import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("phiên bản 1"), "{out}");

    let listed = db.json(&["template", "list"]);
    let monthly = listed.as_array().unwrap().iter().find(|t| t["name"] == "monthly").unwrap().clone();
    assert_eq!((monthly["version"].as_u64(), monthly["author"].as_str()), (Some(1), Some("vp_dieuphoi")));
    assert_eq!(monthly["builtin"], false);
    let table = db.ok(&["template", "list"]);
    assert!(table.contains("vp_dieuphoi"), "{table}");

    // The same file again: no new version.
    let (code, out, _) = db.run_as("vp_dieuphoi", &["template", "import", file.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("không đổi"), "{out}");
    // Exported again, the stored version comes back as written.
    let again = db.ok(&["template", "export", "monthly"]);
    assert!(again.contains("Giám đốc và các Phó Giám đốc Sở"));

    // Reports use the stored version.
    let docx = dir.path().join("bc.docx");
    let said = db.ok(&[
        "report",
        "--template",
        "monthly",
        "--pe",
        "202610",
        "--today",
        "2026-11-23",
        "--out",
        docx.to_str().unwrap(),
    ]);
    assert!(said.contains("mẫu monthly, phiên bản 1"), "{said}");
    assert!(document_xml(&docx).contains("Giám đốc và các Phó Giám đốc Sở"));
}

#[test]
fn a_template_with_an_unknown_element_is_refused_by_place_and_saves_nothing() {
    let db = demo();
    let dir = tempfile::tempdir().unwrap();
    let yaml = db.ok(&["template", "export", "monthly"]);
    let file = dir.path().join("monthly.yaml");

    // In a table's codes: found by checking the template against the metadata.
    let table = "dx: HS_TIEP_NHAN;HS_GIAI_QUYET;TL_DUNG_HAN";
    assert!(yaml.contains(table));
    std::fs::write(&file, yaml.replace(table, "dx: HS_TIEP_NHAN;HS_KHONG_CO;TL_DUNG_HAN")).unwrap();
    let (code, out, err) = db.run(&["template", "import", file.to_str().unwrap()]);
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("KHÔNG lưu") && err.contains("appendices[1].blocks[0].table.dx"), "{err}");
    assert!(err.contains("HS_KHONG_CO"), "{err}");

    // In a text: found by a trial evaluation.
    std::fs::write(&file, yaml.replacen("value('HS_TIEP_NHAN')", "value('HS_KHONG_CO')", 1)).unwrap();
    let (code, _, err) = db.run(&["template", "import", file.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("sections[0].sections[1].blocks[0].text") && err.contains("HS_KHONG_CO"), "{err}");

    // A misspelt field.
    std::fs::write(&file, yaml.replacen("recipients:", "recipient:", 1)).unwrap();
    let (code, _, err) = db.run(&["template", "import", file.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("recipient"), "{err}");

    let listed = db.json(&["template", "list"]);
    assert!(listed.as_array().unwrap().iter().all(|t| t["builtin"] == true), "nothing saved: {listed}");
}

#[test]
fn projects_and_budgets_of_the_demo_year() {
    let db = demo();
    let out = db.ok(&["projects", "--year", "2026", "--today", "2026-11-23"]);
    assert!(
        out.contains("Tổng kinh phí năm 2026: 230,5 tỷ đồng. Trong đó: vốn đầu tư công 185,4 tỷ đồng; vốn chi thường xuyên 45,1 tỷ đồng."),
        "{out}"
    );
    assert!(out.contains("230.500"), "{out}");
    let j = db.json(&["projects", "--year", "2026", "--today", "2026-11-23"]);
    assert_eq!(j["summary"]["public_investment"], 185_400);
    assert_eq!(j["summary"]["recurrent"], 45_100);
    assert_eq!(j["summary"]["total"], 230_500);
    let items = j["items"].as_array().unwrap();
    let sum: i64 = items.iter().map(|i| i["allocated"].as_i64().unwrap()).sum();
    assert_eq!(sum, 230_500, "the rows add up to the total");

    // By source: the groups add up to the same total.
    let j = db.json(&["projects", "--year", "2026", "--by", "source", "--today", "2026-11-23"]);
    let groups: i64 = j["groups"].as_array().unwrap().iter().map(|g| g["amount"].as_i64().unwrap()).sum();
    assert_eq!((groups, j["total"].as_i64().unwrap()), (230_500, 230_500));
    let csv = db.ok(&["projects", "--year", "2026", "--by", "unit", "--format", "csv", "--today", "2026-11-23"]);
    assert!(csv.starts_with("Mã,Đơn vị,Kinh phí năm 2026 (triệu đồng),Tỷ trọng\n"), "{csv}");

    // The appendices: the public-investment one totals 185.400, the whole budget 230.500.
    let j = db.json(&["projects", "--year", "2026", "--appendix", "investment", "--today", "2026-11-23"]);
    let total = j["rows"].as_array().unwrap().iter().find(|r| r["kind"] == "total").unwrap();
    assert!(total["cells"].as_array().unwrap().iter().any(|c| c["amount"] == 185_400), "{total}");
    let out = db.ok(&["projects", "--year", "2026", "--appendix", "budget", "--today", "2026-11-23"]);
    assert!(out.contains("230.500") && out.contains("Các dòng tổng cộng khớp với tổng các dòng."), "{out}");
    let out = db.ok(&["projects", "--year", "2026", "--appendix", "recurrent", "--today", "2026-11-23"]);
    assert!(out.contains("45.100"), "{out}");

    let (code, _, err) = db.run(&["projects", "--unit", "KHONG_CO"]);
    assert_eq!(code, 2);
    assert!(err.contains("KHONG_CO"), "{err}");
}

#[test]
fn tasks_overdue_and_at_risk_on_the_demo_day() {
    let db = demo();
    let out = db.ok(&["tasks", "--today", "2026-11-23"]);
    assert!(out.contains("Giao 26 nhiệm vụ: đã hoàn thành 7"), "{out}");
    let j = db.json(&["tasks", "--today", "2026-11-23"]);
    assert_eq!(j["counts"]["assigned"], 26);
    assert_eq!(j["counts"]["completed"], 7);
    assert_eq!(j["counts"]["overdue"], 3);
    assert_eq!(j["counts"]["at_risk"], 5);
    let j = db.json(&["tasks", "--status", "overdue", "--today", "2026-11-23"]);
    let codes: Vec<&str> = j["tasks"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["NV03", "NV18", "NV21"]);
    assert_eq!(j["tasks"][0]["lead_names"][0], "Sở Tài chính");
    let j = db.json(&["tasks", "--status", "at-risk", "--today", "2026-11-23"]);
    assert_eq!(j["tasks"].as_array().unwrap().len(), 5);
    let out = db.ok(&["tasks", "--status", "overdue", "--today", "2026-11-23"]);
    assert!(out.contains("Quá hạn") && out.contains("Tháng 07/2026 (31/07/2026)"), "{out}");
}

#[test]
fn dossiers_on_the_demo_day_state_the_cores_counts() {
    use chiso_core::register::security::{counts, standings};
    let db = demo();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let want = counts(&standings(&chiso_demo::registers(day), day));
    let sentence = format!("Đến ngày 23/11/2026: {}.", want.sentence());
    assert_eq!(
        sentence,
        "Đến ngày 23/11/2026: 23 đơn vị, 42 bộ hồ sơ: 28 đã phê duyệt, 10 chờ phê duyệt, 4 cần bổ sung."
    );
    let out = db.ok(&["dossiers", "--today", "2026-11-23"]);
    assert!(out.contains(&sentence) && out.contains("Thiếu phương án bảo đảm an toàn thông tin theo cấp độ"), "{out}");
    let j = db.json(&["dossiers", "--today", "2026-11-23"]);
    assert_eq!(j["sentence"], sentence.as_str());
    assert_eq!(j["counts"], serde_json::to_value(want).unwrap());
    assert_eq!(j["dossiers"].as_array().unwrap().len(), 42);
    // Filters: the returned ones say what is missing; a unit's own sentence.
    let j = db.json(&["dossiers", "--status", "returned", "--today", "2026-11-23"]);
    let returned = j["dossiers"].as_array().unwrap();
    assert_eq!(returned.len(), 4);
    assert!(returned.iter().all(|d| d["status"] == "returned" && d["missing"].is_string()));
    let j = db.json(&["dossiers", "--unit", "SO_KHCN", "--today", "2026-11-23"]);
    assert_eq!(
        j["sentence"],
        "Đến ngày 23/11/2026: 1 đơn vị, 6 bộ hồ sơ: 5 đã phê duyệt, 0 chờ phê duyệt, 1 cần bổ sung."
    );
    // Grouped counts add up to the whole.
    for by in ["unit", "status", "level"] {
        let j = db.json(&["dossiers", "--by", by, "--today", "2026-11-23"]);
        let groups = j["groups"].as_array().unwrap();
        let sum = |k: &str| groups.iter().map(|g| g["counts"][k].as_u64().unwrap()).sum::<u64>();
        assert_eq!((sum("dossiers"), sum("approved"), sum("pending"), sum("returned")), (42, 28, 10, 4), "{by}");
        if by == "unit" {
            assert_eq!((groups.len(), sum("units")), (23, 23));
        }
    }
    let out = db.ok(&["dossiers", "--by", "level", "--today", "2026-11-23", "--format", "csv"]);
    assert!(out.contains("4,Cấp độ 4,3,4,3,1,0"), "{out}");
    // Before the year's dossiers: fewer, and a bad unit is refused.
    let j = db.json(&["dossiers", "--today", "2026-06-30"]);
    assert!(j["counts"]["dossiers"].as_u64().unwrap() < 42);
    let (code, _, err) = db.run(&["dossiers", "--unit", "SO_KHONG_CO"]);
    assert_ne!(code, 0);
    assert!(err.contains("SO_KHONG_CO"), "{err}");
}

#[test]
fn registers_export_then_import_changes_nothing() {
    let db = demo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("so_theo_doi.yaml");
    db.ok(&["export", "registers", "-o", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("projects:") && text.contains("progress_reports:"), "{text}");
    let out = db.ok(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(
        out.starts_with("Chạy thử (chưa ghi)") && out.contains("0 mới, 0 cập nhật") && out.contains("không đổi"),
        "{out}"
    );
    // A broken reference is refused with its place, and nothing is written.
    std::fs::write(&file, text.replacen("lead:\n  - SO_KHCN", "lead:\n  - SO_KHONG_CO", 1)).unwrap();
    let (code, _, err) = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("so_theo_doi.yaml") && err.contains("SO_KHONG_CO"), "{err}");
    let json = db.ok(&["export", "registers", "--format", "json"]);
    assert!(!json.contains("SO_KHONG_CO"));
}

#[test]
fn the_demo_index_ranks_districts_and_departments_with_rank_change() {
    use chiso_analytics::MemoryEngine;
    use chiso_analytics::index::score_group;
    use chiso_core::metadata::Model;
    use chiso_core::period::Period;
    use std::sync::Arc;
    let db = demo();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let generated = chiso_demo::generate(day);
    let model = Arc::new(Model::new(generated.metadata).unwrap());
    let engine = MemoryEngine::from_values(model.clone(), &generated.values);
    let reg = chiso_demo::registers(day);
    for group in ["UBND_HUYEN", "SO_NGANH"] {
        let j = db.json(&["index", "--group", group, "--pe", "2026", "--today", "2026-11-23"]);
        assert_eq!(j["index"], "DTI_2026");
        assert_eq!(j["previous_index"], "DTI_2025");
        let units = j["units"].as_array().unwrap();
        assert!(units.len() >= 10, "{group}: {}", units.len());
        // Ranks 1..n, best first, consistent with the totals; values in [0, 1].
        for (i, u) in units.iter().enumerate() {
            let v = u["value"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{u}");
            assert_eq!(u["rank"].as_u64().unwrap(), i as u64 + 1, "{u}");
            assert!((u["points"].as_f64().unwrap() / 1000.0 - v).abs() < 1e-4, "{u}");
            if i > 0 {
                assert!(units[i - 1]["points"].as_f64().unwrap() >= u["points"].as_f64().unwrap(), "{u}");
            }
            // Districts report every figure the index uses, and all are assessed.
            if group == "UBND_HUYEN" {
                assert!(u["missing"].as_array().is_none_or(|m| m.is_empty()), "{group}: {u}");
            }
        }
        // Every unit was ranked last year too; someone moved.
        assert!(units.iter().all(|u| u["previous_rank"].is_u64()));
        assert!(units.iter().any(|u| u["change"].as_i64().unwrap() != 0));
        // The table's first unit is the engine's best.
        let members = model.group_members(group).unwrap();
        let pe = Period::year(2026).unwrap();
        let ix = reg.index("DTI_2026").unwrap();
        let prev = reg.index("DTI_2025").unwrap();
        let want = score_group(&engine, ix, members, &pe, &reg.assessments, Some((prev, &pe.previous()))).unwrap();
        let best = &want.rankings.overall[0];
        let out = db.ok(&["index", "--group", group, "--today", "2026-11-23"]);
        let first = out.lines().nth(3).unwrap();
        assert!(first.contains(best.unit.as_str()), "{first}");
        assert!(first.contains(&vi(best.scale, 4)), "{first}");
        assert!(out.contains("So với 2025") && (out.contains('▲') || out.contains('▼')), "{out}");
        assert_eq!(units[0]["unit"], best.unit.as_str());
        let csv = db.ok(&["index", "--group", group, "--format", "csv", "--today", "2026-11-23"]);
        assert_eq!(csv.lines().count(), units.len() + 1, "{csv}");
    }
    // Ranked by one main index; unknown ones refused.
    let j = db.json(&["index", "--node", "CHINH_QUYEN", "--today", "2026-11-23"]);
    assert_eq!(j["units"][0]["rank"], 1);
    let (code, _, err) = db.run(&["index", "--node", "KHONG_CO", "--today", "2026-11-23"]);
    assert_ne!(code, 0);
    assert!(err.contains("KHONG_CO"), "{err}");
}
