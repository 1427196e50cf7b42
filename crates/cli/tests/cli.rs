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
