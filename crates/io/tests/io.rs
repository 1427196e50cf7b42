//! chiso-io's integration tests: the fixtures in `tests/data/` read, checked
//! and imported into a fresh in-memory SQLite store, the way the CLI does.

use chiso_core::metadata::Model;
use chiso_core::value::DataValue;
use chiso_io::*;
use chiso_store::{Actor, Counts, MetadataMode, SqliteStore, Store, ValueFilter};
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn model() -> Model {
    Model::new(read_metadata(&data("metadata.yaml")).unwrap()).unwrap()
}

async fn store() -> SqliteStore {
    SqliteStore::open_in_memory().await.unwrap()
}

async fn import(store: &SqliteStore, model: &Model, path: &Path, dry_run: bool) -> ImportReport {
    let opts = ImportOptions { dry_run, format: None };
    import_values(store, &Actor::system(), model, path, &opts, &mut |_| {}).await.unwrap()
}

fn counts(imported: u64, updated: u64, unchanged: u64) -> Counts {
    Counts { imported, updated, unchanged, deleted: 0 }
}

/// Writes `text` to a file named `name` in a fresh temporary folder.
fn temp_file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The cells of values as comparable text, sorted.
fn cells(values: &[DataValue]) -> Vec<String> {
    let mut v: Vec<String> = values
        .iter()
        .map(|v| {
            let opt = v.option.as_ref().map(|o| format!(".{o}")).unwrap_or_default();
            format!("{}{opt} {} {} = {}", v.element, v.period, v.unit, v.value)
        })
        .collect();
    v.sort();
    v
}

/// The August 2023 figures of the fixtures, in canonical form.
fn august_cells() -> Vec<String> {
    let mut v: Vec<String> = [
        "HS_TIEP_NHAN 202308 X_THIEN_LOC = 80020",
        "HS_GIAI_QUYET 202308 X_THIEN_LOC = 58109",
        "HS_DUNG_HAN 202308 X_THIEN_LOC = 53531",
        "HS_TRE_HAN 202308 X_THIEN_LOC = 629",
        "TL_TRE_HAN_BC 202308 X_THIEN_LOC = 1.08",
        "HS_TRUC_TUYEN.XA 202308 X_THIEN_LOC = 45678",
        "HS_TIEP_NHAN 202308 X_THUAN_THIEN = 1205",
        "HS_GIAI_QUYET 202308 X_THUAN_THIEN = 1180",
        "HS_DUNG_HAN 202308 X_THUAN_THIEN = 1102",
        "HS_TRE_HAN 202308 X_THUAN_THIEN = 78",
    ]
    .map(String::from)
    .to_vec();
    v.sort();
    v
}

/// The wide workbook offices send for August 2023: a names row, numbers as
/// numbers and as Vietnamese text, two empty cells.
fn office_workbook(path: &Path) {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Tháng 8-2023").unwrap();
    let headers = [
        "Mã đơn vị",
        "Tên đơn vị",
        "HS_TIEP_NHAN",
        "HS_GIAI_QUYET",
        "HS_DUNG_HAN",
        "HS_TRE_HAN",
        "TL_TRE_HAN_BC",
        "HS_TRUC_TUYEN.XA",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, h) in ["Hồ sơ tiếp nhận", "Đã giải quyết", "Đúng hạn", "Trễ hạn", "Tỷ lệ trễ hạn (%)", "Trực tuyến cấp xã"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16 + 2, *h).unwrap();
    }
    ws.write_string(2, 0, "X_THIEN_LOC").unwrap();
    ws.write_string(2, 1, "Xã Thiên Lộc").unwrap();
    ws.write_number(2, 2, 80020).unwrap();
    ws.write_string(2, 3, "58.109").unwrap();
    ws.write_number(2, 4, 53531).unwrap();
    ws.write_number(2, 5, 629).unwrap();
    ws.write_string(2, 6, "1,08").unwrap();
    ws.write_number(2, 7, 45678).unwrap();
    ws.write_string(3, 0, "X_THUAN_THIEN").unwrap();
    ws.write_string(3, 1, "Xã Thuần Thiện").unwrap();
    ws.write_string(3, 2, "1.205").unwrap();
    ws.write_number(3, 3, 1180).unwrap();
    ws.write_number(3, 4, 1102).unwrap();
    ws.write_number(3, 5, 78).unwrap();
    book.save(path).unwrap();
}

mod metadata {
    use super::*;

    #[test]
    fn the_documented_example_is_a_valid_model() {
        let model = model();
        let meta = model.metadata();
        assert_eq!(meta.pillars.len(), 10);
        assert_eq!(model.tree().len(), 5);
        assert_eq!(
            model.tree().path_name(model.tree().index("X_THIEN_LOC").unwrap()),
            "Tỉnh Hà Tĩnh / Huyện Can Lộc / Xã Thiên Lộc"
        );
        assert_eq!(model.element_disaggregation("HS_TRUC_TUYEN").unwrap().options.len(), 3);
        assert_eq!(model.indicator("TL_DUNG_HAN").unwrap().factor, 100.0);
        assert_eq!(meta.validation_rules.len(), 3);
        let form = model.form("BC_THANG").unwrap();
        assert_eq!(form.elements().count(), 7);
        assert_eq!(model.form("BC_NAM").unwrap().elements().count(), 4);
        assert_eq!(model.form_units(form).len(), 4);
        let plan = model.plan("KH_CDS_2023").unwrap();
        assert_eq!(plan.targets.len(), 4);
        assert_eq!(plan.targets[2].results[0].outcome, "Trên 85%");
    }

    /// The YAML examples of METADATA.md, put together, are a valid bundle too.
    #[test]
    fn the_format_documentation_examples_are_valid() {
        let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("METADATA.md")).unwrap();
        let mut yaml = String::new();
        let mut blocks = 0;
        for block in doc.split("```yaml\n").skip(1) {
            let block = &block[..block.find("```").unwrap()];
            if block.starts_with("due:") {
                for line in block.lines() {
                    serde_yaml_ng::from_str::<chiso_core::period::DueRule>(&line[4..]).unwrap();
                }
                continue;
            }
            yaml.push_str(block);
            blocks += 1;
        }
        assert_eq!(blocks, 12);
        let meta = parse_metadata(yaml.as_bytes(), MetadataFormat::Yaml, "METADATA.md").unwrap();
        let model = Model::new(meta).unwrap();
        assert_eq!(model.metadata().pillars.len(), 10);
        assert_eq!(model.plan("KH_CDS_2023").unwrap().targets.len(), 4);
    }

    #[test]
    fn round_trip_through_yaml_and_json_is_lossless() {
        let original = read_metadata(&data("metadata.yaml")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for name in ["again.yaml", "again.json", "again.yml"] {
            let path = dir.path().join(name);
            write_metadata_file(&original, &path).unwrap();
            let back = read_metadata(&path).unwrap();
            assert_eq!(back, original, "{name}");
            // A second trip writes the same text.
            let first = std::fs::read_to_string(&path).unwrap();
            write_metadata_file(&back, &path).unwrap();
            assert_eq!(std::fs::read_to_string(&path).unwrap(), first, "{name}");
        }
    }

    #[test]
    fn syntax_and_type_errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = temp_file(&dir, "hong.yaml", "data_elements:\n  - code: A\n    name: Ạ\n    value_type: so_nguyen\n");
        let e = read_metadata(&p).unwrap_err().to_string();
        assert!(
            e.starts_with("hong.yaml dòng 4, cột 17: data_elements[0].value_type: unknown variant `so_nguyen`"),
            "{e}"
        );
        let p = temp_file(&dir, "hong.json", "{\"org_units\": [{\"code\": \"A B\", \"name\": \"x\"}]}");
        let e = read_metadata(&p).unwrap_err().to_string();
        assert!(e.starts_with("hong.json dòng 1, cột "), "{e}");
        assert!(e.contains("mã không hợp lệ: \"A B\""), "{e}");
        let e = read_metadata(&data("values.csv")).unwrap_err().to_string();
        assert_eq!(e, "values.csv: tệp siêu dữ liệu phải có đuôi .yaml, .yml hoặc .json");
    }

    #[tokio::test]
    async fn import_validates_lists_every_error_and_saves_in_one_transaction() {
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let bad = temp_file(
            &dir,
            "sai.yaml",
            "org_units:\n  - { code: XA, name: Xã, parent: TINH }\n  - { code: TINH, name: Tỉnh }\n\
             data_elements:\n  - { code: A, name: A, value_type: integer, pillar: KHONG_CO, disaggregation: KHONG_CO }\n",
        );
        let e = import_metadata(&store, &Actor::system(), &bad, MetadataMode::Replace, false).await.unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("sai.yaml: siêu dữ liệu có 2 lỗi:"), "{text}");
        assert!(text.contains("data_elements[A].pillar: trụ cột KHONG_CO không tồn tại"), "{text}");

        let fixture = data("metadata.yaml");
        let dry = import_metadata(&store, &Actor::system(), &fixture, MetadataMode::Replace, true).await.unwrap();
        assert!(!dry.committed);
        assert!(dry.counts.imported > 0);
        assert_eq!(store.load_metadata().await.unwrap(), chiso_core::metadata::Metadata::default());
        let real = import_metadata(&store, &Actor::system(), &fixture, MetadataMode::Replace, false).await.unwrap();
        assert!(real.committed);
        assert_eq!(real.counts, dry.counts);
        assert_eq!(store.load_metadata().await.unwrap(), read_metadata(&fixture).unwrap());

        // Merge: a partial file may refer to what is stored.
        let extra = temp_file(
            &dir,
            "them_xa.yaml",
            "org_units:\n  - { code: X_MOI, name: Xã Mới, parent: H_CAN_LOC, kind: XA }\n",
        );
        let merged = import_metadata(&store, &Actor::system(), &extra, MetadataMode::Merge, false).await.unwrap();
        assert_eq!(merged.counts.imported, 1);
        let stored = Model::new(store.load_metadata().await.unwrap()).unwrap();
        assert!(stored.tree().get("X_MOI").is_some());
        assert!(stored.form("BC_THANG").is_some());
    }

    #[test]
    fn merge_replaces_by_code_and_appends() {
        let base = read_metadata(&data("metadata.yaml")).unwrap();
        let bundle: chiso_core::metadata::Metadata = serde_yaml_ng::from_str(
            "name: Tỉnh Hà Tĩnh (mới)\npillars:\n  - { code: ATTT, name: An toàn thông tin }\n  - { code: DO_THI, name: Đô thị thông minh }\n",
        )
        .unwrap();
        let m = base.clone().merge(bundle);
        assert_eq!(m.name.as_deref(), Some("Tỉnh Hà Tĩnh (mới)"));
        assert_eq!(m.pillars.len(), 11);
        assert_eq!(m.pillars[6].name, "An toàn thông tin");
        assert_eq!(m.pillars[10].code.as_str(), "DO_THI");
        assert_eq!(m.org_units, base.org_units);
    }
}

mod detect {
    use super::*;

    #[test]
    fn by_extension_and_json_keys() {
        let dir = tempfile::tempdir().unwrap();
        let meta_json = temp_file(&dir, "meta.json", "{\"name\": \"Tỉnh\", \"pillars\": []}");
        let cases = [
            (data("metadata.yaml"), FileKind::Metadata(MetadataFormat::Yaml)),
            (data("values.csv"), FileKind::DataValues(DataFormat::Csv)),
            (data("values.json"), FileKind::DataValues(DataFormat::Json)),
            (meta_json, FileKind::Metadata(MetadataFormat::Json)),
            (PathBuf::from("so_lieu.XLSX"), FileKind::DataValues(DataFormat::Xlsx)),
        ];
        for (path, want) in cases {
            assert_eq!(detect(&path).unwrap(), want, "{}", path.display());
        }
        assert_eq!(
            detect(Path::new("bao_cao.docx")).unwrap_err().to_string(),
            "bao_cao.docx: không nhận ra loại tệp (cần .yaml, .yml, .json, .csv hoặc .xlsx)"
        );
    }

    #[test]
    fn a_file_of_systems_or_dossiers_only_is_a_register_file() {
        let dir = tempfile::tempdir().unwrap();
        let systems =
            "# Hệ thống thông tin\nsystems:\n  - { code: HT_QLVB, name: e-Office, owner: SO_KHCN, level: 3 }\n";
        let dossiers = "dossiers:\n  - code: HS_QLVB\n    system: HT_QLVB\n    submitted: 2026-03-02\n    history:\n      - { date: 2026-04-10, status: approved, decision: 215/QĐ-UBND }\n";
        let cases = [
            (temp_file(&dir, "he_thong.yaml", systems), FileKind::Registers(RegisterFormat::Yaml)),
            (temp_file(&dir, "ho_so.yml", dossiers), FileKind::Registers(RegisterFormat::Yaml)),
            (
                temp_file(
                    &dir,
                    "ho_so.json",
                    r#"{"dossiers": [{"code": "HS_1", "system": "HT_1", "submitted": "2026-03-02"}]}"#,
                ),
                FileKind::Registers(RegisterFormat::Json),
            ),
            (temp_file(&dir, "he_thong.json", r#"{"systems": []}"#), FileKind::Registers(RegisterFormat::Json)),
        ];
        for (path, want) in &cases {
            assert_eq!(&detect(path).unwrap(), want, "{}", path.display());
        }
        let reg = read_registers(&cases[0].0).unwrap();
        assert_eq!((reg.systems.len(), reg.systems[0].level), (1, 3));
        let reg = read_registers(&cases[1].0).unwrap();
        assert_eq!(reg.dossiers[0].history[0].decision.as_deref(), Some("215/QĐ-UBND"));
        // Merging a file of dossiers into stored registers replaces by code and keeps the rest.
        let mut base = read_registers(&cases[0].0).unwrap();
        let mut older = reg.dossiers[0].clone();
        older.history.clear();
        let mut other = older.clone();
        other.code = chiso_core::Code::new("HS_KHAC").unwrap();
        base.dossiers = vec![older, other.clone()];
        let merged = merge_registers(base.clone(), reg.clone());
        assert_eq!(merged.dossiers, [reg.dossiers[0].clone(), other]);
        assert_eq!(merged.systems, base.systems);
    }
}

mod formats {
    use super::*;

    #[test]
    fn csv_json_and_xlsx_read_the_same_values() {
        let model = model();
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("thang8.xlsx");
        office_workbook(&xlsx);
        for (path, ignored) in [(data("values.csv"), 0), (data("values.json"), 0), (xlsx, 2)] {
            let read = read_values(&model, &path, None).unwrap();
            assert_eq!(read.errors, vec![], "{}", path.display());
            assert_eq!(cells(&read.values), august_cells(), "{}", path.display());
            assert_eq!(read.ignored, ignored, "{}", path.display());
        }
        let csv = read_values(&model, &data("values.csv"), None).unwrap();
        assert_eq!(csv.values[3].comment.as_deref(), Some("Trễ hạn chủ yếu ở lĩnh vực đất đai, xây dựng"));
        assert_eq!(csv.values[0].stored_by.as_deref(), Some("mc.thienloc"));
        assert_eq!(csv.values[6].stored_by, None);
    }

    #[tokio::test]
    async fn each_format_imports_the_same_values() {
        let model = model();
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("thang8.xlsx");
        office_workbook(&xlsx);
        for path in [data("values.csv"), data("values.json"), xlsx] {
            let store = store().await;
            let mut seen = Vec::new();
            let opts = ImportOptions::default();
            let report =
                import_values(&store, &Actor::system(), &model, &path, &opts, &mut |n| seen.push(n)).await.unwrap();
            assert_eq!(report.counts, counts(10, 0, 0), "{}", path.display());
            assert!(report.committed);
            assert_eq!(report.errors, vec![]);
            assert_eq!(seen.last(), Some(&report.read));
            let stored = store.values(&ValueFilter::default()).await.unwrap();
            assert_eq!(cells(&stored), august_cells(), "{}", path.display());
        }
    }

    #[test]
    fn headerless_csv_in_chiso_and_dhis2_order() {
        let model = model();
        let dir = tempfile::tempdir().unwrap();
        let short = temp_file(
            &dir,
            "ngan.csv",
            "HS_TIEP_NHAN,202308,X_THIEN_LOC,,80.020\nHS_TRUC_TUYEN,202308,X_THIEN_LOC,XA,45.678,mc,ghi chú\n",
        );
        let dhis2 = temp_file(
            &dir,
            "dhis2.csv",
            "HS_TIEP_NHAN,202308,X_THIEN_LOC,default,HllvX50cXC0,80020,admin,2023-09-01T10:00:00,,false\n\
             HS_TRUC_TUYEN,202308,X_THIEN_LOC,XA,HllvX50cXC0,45678,admin,2023-09-01T10:00:00,ghi chú,false\n",
        );
        for path in [short, dhis2] {
            let read = read_values(&model, &path, None).unwrap();
            assert_eq!(read.errors, vec![]);
            assert_eq!(
                cells(&read.values),
                vec!["HS_TIEP_NHAN 202308 X_THIEN_LOC = 80020", "HS_TRUC_TUYEN.XA 202308 X_THIEN_LOC = 45678"]
            );
            assert_eq!(read.values[1].comment.as_deref(), Some("ghi chú"));
        }
    }
}

mod errors {
    use super::*;

    fn messages(report: &ImportReport) -> Vec<String> {
        report.errors.iter().map(ToString::to_string).collect()
    }

    #[tokio::test]
    async fn an_error_in_row_7_imports_nothing_and_names_line_and_column() {
        let model = model();
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(data("values.csv")).unwrap().replace(",1.205,", ",\"12,5\",");
        let path = temp_file(&dir, "data.csv", &text);
        let report = import(&store, &model, &path, false).await;
        assert_eq!(
            messages(&report),
            vec!["data.csv dòng 8, cột value: giá trị \"12,5\" không hợp lệ cho kiểu số nguyên: phải là số nguyên"]
        );
        assert!(!report.committed);
        assert_eq!(report.read, 10);
        // The nine good rows are counted as they would have been imported...
        assert_eq!(report.counts, counts(9, 0, 0));
        // ...but nothing was saved.
        assert_eq!(store.count_values().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn unknown_element_unit_option_and_bad_period() {
        let model = model();
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let path = temp_file(
            &dir,
            "sai.csv",
            "dataelement,period,orgunit,categoryoptioncombo,value\n\
             HS_KHONG_CO,202308,X_THIEN_LOC,,1\n\
             HS_TIEP_NHAN,202308,X_KHONG_CO,,1\n\
             HS_TRUC_TUYEN,202308,X_THIEN_LOC,PHUONG,1\n\
             HS_TRUC_TUYEN,202308,X_THIEN_LOC,,1\n\
             HS_TIEP_NHAN,202308,X_THIEN_LOC,XA,1\n\
             HS_TIEP_NHAN,2023M8,X_THIEN_LOC,,1\n\
             HS_TIEP_NHAN,202508,H_CAN_LOC,,1\n\
             TL_TRE_HAN_BC,202308,X_THIEN_LOC,,\"120,5%\"\n\
             HS_TIEP_NHAN,202308,X_THIEN_LOC,,\n\
             HS_TIEP_NHAN,202308,X_THIEN_LOC,,80.020\n",
        );
        let report = import(&store, &model, &path, false).await;
        assert_eq!(
            messages(&report),
            vec![
                "sai.csv dòng 2, cột dataelement: chỉ tiêu dữ liệu \"HS_KHONG_CO\" không tồn tại",
                "sai.csv dòng 3, cột orgunit: đơn vị \"X_KHONG_CO\" không tồn tại",
                "sai.csv dòng 4, cột categoryoptioncombo: lựa chọn \"PHUONG\" không thuộc phân tổ \"Cấp hành chính\" của chỉ tiêu HS_TRUC_TUYEN (TINH, HUYEN, XA)",
                "sai.csv dòng 5, cột categoryoptioncombo: chỉ tiêu HS_TRUC_TUYEN có phân tổ \"Cấp hành chính\": cần ghi một lựa chọn (TINH, HUYEN, XA)",
                "sai.csv dòng 6, cột categoryoptioncombo: chỉ tiêu HS_TIEP_NHAN không có phân tổ, không nhận lựa chọn \"XA\" (bỏ trống hoặc ghi \"default\")",
                "sai.csv dòng 7, cột period: kỳ báo cáo \"2023M8\" không hợp lệ: kỳ báo cáo không hợp lệ: \"2023M8\" (không đúng định dạng mã kỳ DHIS2; ví dụ: 2023, 2023S1, 2023Q3, 202310, 2024W35, 2024SatW35, 2024SunW35, 2024WedW35, 2024ThuW35, 20241031)",
                "sai.csv dòng 8, cột orgunit: đơn vị H_CAN_LOC không hoạt động trong kỳ 202508 (hoạt động từ … đến 30/06/2025)",
                "sai.csv dòng 9, cột value: giá trị \"120,5%\" không hợp lệ cho kiểu tỷ lệ %: tỷ lệ phải từ 0 đến 100",
            ]
        );
        assert_eq!(report.ignored, 1);
        assert_eq!(report.counts, counts(1, 0, 0));
        assert!(!report.committed);
        assert_eq!(store.count_values().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn json_errors_name_the_row_and_field() {
        let model = model();
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let path = temp_file(
            &dir,
            "data.json",
            r#"{"period": "202308", "orgUnit": "X_THIEN_LOC", "dataValues": [
                {"dataElement": "HS_TIEP_NHAN", "value": 80020},
                {"dataElement": "HS_GIAI_QUYET", "value": 12.5},
                {"dataElement": "HS_DUNG_HAN", "orgUnit": "X_KHONG_CO", "value": "1"}]}"#,
        );
        let report = import(&store, &model, &path, false).await;
        assert_eq!(
            messages(&report),
            vec![
                "data.json dataValues[2].value: giá trị \"12,5\" không hợp lệ cho kiểu số nguyên: phải là số nguyên",
                "data.json dataValues[3].orgUnit: đơn vị \"X_KHONG_CO\" không tồn tại",
            ]
        );
        let broken = temp_file(
            &dir,
            "hong.json",
            "{\"dataValues\": [\n  {\"dataElement\": \"A\", \"value\": 1},\n  {\"dataElement\": }\n]}",
        );
        let e = import_values(&store, &Actor::system(), &model, &broken, &ImportOptions::default(), &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "hong.json dòng 3, cột 19: expected value");
        assert_eq!(store.count_values().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn xlsx_errors_name_sheet_cell_and_column() {
        use rust_xlsxwriter::Workbook;
        let model = model();
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sai.xlsx");
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Hướng dẫn").unwrap();
        ws.write_string(0, 0, "Ghi mỗi kỳ vào một trang").unwrap();
        let ws = book.add_worksheet();
        ws.set_name("202309").unwrap();
        ws.write_string(0, 0, "Đơn vị").unwrap();
        let ws = book.add_worksheet();
        ws.set_name("Quý III-2023").unwrap();
        for (c, h) in ["Mã đơn vị", "Tên đơn vị", "HS_TIEP_NHAN", "HS_KHONG_CO", "HS_TRUC_TUYEN"].iter().enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "X_THIEN_LOC").unwrap();
        ws.write_number(1, 2, 240000).unwrap();
        ws.write_number(1, 3, 5).unwrap();
        ws.write_string(2, 0, "X_KHONG_CO").unwrap();
        ws.write_number(2, 2, 1).unwrap();
        ws.write_string(3, 0, "X_THUAN_THIEN").unwrap();
        ws.write_string(3, 2, "12,5").unwrap();
        book.save(&path).unwrap();

        let report = import(&store, &model, &path, false).await;
        assert_eq!(
            messages(&report),
            vec![
                "sai.xlsx trang \"Hướng dẫn\": tên trang không phải kỳ báo cáo (ghi mã kỳ như 202308, 2023Q3 hoặc \"Tháng 8-2023\", \"Quý III-2023\")",
                "sai.xlsx trang \"202309\": không thấy dòng tiêu đề có cột \"Mã đơn vị\" (10 dòng đầu)",
                "sai.xlsx trang \"Quý III-2023\" ô D1, cột HS_KHONG_CO: chỉ tiêu dữ liệu \"HS_KHONG_CO\" không tồn tại",
                "sai.xlsx trang \"Quý III-2023\" ô E1, cột HS_TRUC_TUYEN: chỉ tiêu HS_TRUC_TUYEN có phân tổ \"Cấp hành chính\": tiêu đề cột phải là HS_TRUC_TUYEN.<lựa chọn> (TINH, HUYEN, XA)",
                "sai.xlsx trang \"Quý III-2023\" ô A3, cột Mã đơn vị: đơn vị \"X_KHONG_CO\" không tồn tại",
                "sai.xlsx trang \"Quý III-2023\" ô C4, cột HS_TIEP_NHAN: giá trị \"12,5\" không hợp lệ cho kiểu số nguyên: phải là số nguyên",
            ]
        );
        assert_eq!(report.counts, counts(1, 0, 0));
        assert_eq!(store.count_values().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_mistyped_unit_in_the_first_row_is_not_taken_for_the_names_row() {
        use rust_xlsxwriter::Workbook;
        let model = model();
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("go_nham.xlsx");
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("202308").unwrap();
        // A title row above the table is skipped.
        ws.write_string(0, 0, "BÁO CÁO THÁNG 8/2023").unwrap();
        for (c, h) in ["Mã đơn vị", "HS_TIEP_NHAN"].iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        ws.write_string(2, 0, "X_THIEN_LOCC").unwrap();
        ws.write_string(2, 1, "80.020").unwrap();
        ws.write_string(3, 0, "X_THIEN_LOC").unwrap();
        ws.write_string(3, 1, "80.020").unwrap();
        book.save(&path).unwrap();
        let report = import(&store, &model, &path, false).await;
        assert_eq!(
            messages(&report),
            ["go_nham.xlsx trang \"202308\" ô A3, cột Mã đơn vị: đơn vị \"X_THIEN_LOCC\" không tồn tại"]
        );
        assert_eq!(report.counts, counts(1, 0, 0));
    }

    #[tokio::test]
    async fn the_error_list_is_capped() {
        let model = model();
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("dataelement,period,orgunit,value\n");
        for _ in 0..1_500 {
            text.push_str("HS_TIEP_NHAN,202308,X_THIEN_LOC,abc\n");
        }
        let path = temp_file(&dir, "nhieu_loi.csv", &text);
        let report = import(&store, &model, &path, false).await;
        assert_eq!(report.errors.len(), MAX_ERRORS);
        assert_eq!(report.more_errors, 500);
        assert_eq!(report.error_count(), 1_500);
    }
}

mod driver {
    use super::*;

    #[tokio::test]
    async fn dry_run_counts_and_writes_nothing() {
        let model = model();
        let store = store().await;
        let report = import(&store, &model, &data("values.csv"), true).await;
        assert_eq!(report.counts, counts(10, 0, 0));
        assert!(!report.committed);
        assert_eq!(store.count_values().await.unwrap(), 0);
        // After a real import, a dry run of a changed file says what would change.
        import(&store, &model, &data("values.csv"), false).await;
        let dir = tempfile::tempdir().unwrap();
        let changed = std::fs::read_to_string(data("values.csv")).unwrap().replace(",629,", ",630,");
        let path = temp_file(&dir, "sua.csv", &changed);
        let report = import(&store, &model, &path, true).await;
        assert_eq!(report.counts, counts(0, 1, 9));
        let stored = store.values(&ValueFilter::default()).await.unwrap();
        assert!(cells(&stored).contains(&"HS_TRE_HAN 202308 X_THIEN_LOC = 629".to_string()));
    }

    #[tokio::test]
    async fn reimport_is_unchanged_and_a_correction_is_an_update() {
        let model = model();
        let store = store().await;
        assert_eq!(import(&store, &model, &data("values.csv"), false).await.counts, counts(10, 0, 0));
        let again = import(&store, &model, &data("values.csv"), false).await;
        assert_eq!(again.counts, counts(0, 0, 10));
        assert!(again.committed);
        // The JSON file has the same figures and comments.
        let json = import(&store, &model, &data("values.json"), false).await;
        assert_eq!(json.counts, counts(0, 0, 10));
        // So has the office's workbook, which has no comment column: stored comments stay.
        let dir = tempfile::tempdir().unwrap();
        let xlsx = dir.path().join("thang8.xlsx");
        office_workbook(&xlsx);
        assert_eq!(import(&store, &model, &xlsx, false).await.counts, counts(0, 0, 10));
        let late = ValueFilter { elements: vec![chiso_core::code::code("HS_TRE_HAN")], ..ValueFilter::default() };
        let late = store.values(&late).await.unwrap();
        assert_eq!(late[0].comment.as_deref(), Some("Trễ hạn chủ yếu ở lĩnh vực đất đai, xây dựng"));
        // The office corrects the late count: 629 → 630, and adds a value.
        let path = temp_file(
            &dir,
            "dinh_chinh.csv",
            "dataelement,period,orgunit,value\nHS_TRE_HAN,202308,X_THIEN_LOC,630\nHS_TIEP_NHAN,202309,X_THIEN_LOC,81.500\n",
        );
        let fix = import(&store, &model, &path, false).await;
        assert_eq!(fix.counts, counts(1, 1, 0));
        assert_eq!(store.count_values().await.unwrap(), 11);
    }

    #[tokio::test]
    async fn the_same_cell_twice_the_later_row_wins() {
        let model = model();
        let store = store().await;
        let dir = tempfile::tempdir().unwrap();
        let path = temp_file(
            &dir,
            "trung.csv",
            "dataelement,period,orgunit,value\n\
             HS_TIEP_NHAN,202308,X_THIEN_LOC,1\n\
             HS_TIEP_NHAN,202308,X_THUAN_THIEN,5\n\
             HS_TIEP_NHAN,202308,X_THIEN_LOC,80.020\n",
        );
        let report = import(&store, &model, &path, false).await;
        assert_eq!(report.counts, counts(2, 0, 0));
        assert_eq!(report.ignored, 1);
        assert_eq!(report.read, 3);
        let stored = store.values(&ValueFilter::default()).await.unwrap();
        assert_eq!(
            cells(&stored),
            vec!["HS_TIEP_NHAN 202308 X_THIEN_LOC = 80020", "HS_TIEP_NHAN 202308 X_THUAN_THIEN = 5"]
        );
    }

    #[tokio::test]
    async fn a_missing_file_or_unknown_format_is_an_io_error() {
        let model = model();
        let store = store().await;
        let opts = ImportOptions::default();
        let e = import_values(&store, &Actor::system(), &model, Path::new("/khong/co/tep.csv"), &opts, &mut |_| {})
            .await
            .unwrap_err();
        assert!(e.to_string().starts_with("tep.csv: "), "{e}");
        let e = import_values(&store, &Actor::system(), &model, Path::new("so_lieu.txt"), &opts, &mut |_| {})
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "so_lieu.txt: không nhận ra định dạng dữ liệu (cần .json, .csv hoặc .xlsx)");
        // The format given explicitly wins over the extension.
        let dir = tempfile::tempdir().unwrap();
        let txt = temp_file(&dir, "so_lieu.txt", &std::fs::read_to_string(data("values.csv")).unwrap());
        let opts = ImportOptions { dry_run: false, format: Some(DataFormat::Csv) };
        let report = import_values(&store, &Actor::system(), &model, &txt, &opts, &mut |_| {}).await.unwrap();
        assert_eq!(report.counts, counts(10, 0, 0));
    }
}

mod export {
    use super::*;

    #[tokio::test]
    async fn every_export_reimports_unchanged() {
        let model = model();
        let store = store().await;
        import(&store, &model, &data("values.csv"), false).await;
        let extra = "dataelement,period,orgunit,categoryoptioncombo,value,comment\n\
                     HS_TIEP_NHAN,202309,X_THIEN_LOC,,81.500,\n\
                     TL_TRE_HAN_BC,202309,X_THIEN_LOC,,\"1,205\",tỷ lệ có ba chữ số thập phân\n\
                     HS_TRUC_TUYEN,2023Q3,H_CAN_LOC,HUYEN,12.000,\"dấu phẩy, \"\"ngoặc kép\"\"\"\n";
        let dir = tempfile::tempdir().unwrap();
        import(&store, &model, &temp_file(&dir, "them.csv", extra), false).await;
        let all = store.values(&ValueFilter::default()).await.unwrap();
        assert_eq!(all.len(), 13);
        for name in ["xuat.csv", "xuat.json", "xuat.xlsx"] {
            let path = dir.path().join(name);
            let n = export_values(&store, &model, &ValueFilter::default(), &path, None).await.unwrap();
            assert_eq!(n, 13, "{name}");
            let report = import(&store, &model, &path, false).await;
            assert_eq!(report.errors, vec![], "{name}");
            assert_eq!(report.counts, counts(0, 0, 13), "{name}");
        }
        // The 1,205% rate is written so that it cannot read as 1205.
        let mut csv = Vec::new();
        write_csv(&model, &all, &mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("dataelement,period,orgunit,categoryoptioncombo,value,storedby,comment\n"), "{csv}");
        assert!(csv.contains("TL_TRE_HAN_BC,202309,X_THIEN_LOC,,1.2050,,tỷ lệ có ba chữ số thập phân\n"), "{csv}");
    }

    #[test]
    fn the_wide_workbook_has_a_sheet_per_period_units_in_tree_order_and_numbers() {
        use calamine::{Data, Reader, Xlsx, open_workbook};
        let model = model();
        let mut values = read_values(&model, &data("values.csv"), None).unwrap().values;
        let more = "dataelement,period,orgunit,categoryoptioncombo,value\n\
                    HS_TIEP_NHAN,2023Q3,H_CAN_LOC,,240.000\n\
                    HS_TIEP_NHAN,202307,X_THUAN_THIEN,,900\n";
        let dir = tempfile::tempdir().unwrap();
        values.extend(read_values(&model, &temp_file(&dir, "them.csv", more), None).unwrap().values);
        let path = dir.path().join("rong.xlsx");
        write_wide_xlsx(&model, &values, &path).unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        assert_eq!(book.sheet_names(), vec!["202307", "202308", "2023Q3"]);
        let aug = book.worksheet_range("202308").unwrap();
        let row = |r: usize| aug.rows().nth(r).unwrap().to_vec();
        assert_eq!(
            row(0),
            [
                "Mã đơn vị",
                "Tên đơn vị",
                "HS_TIEP_NHAN",
                "HS_GIAI_QUYET",
                "HS_DUNG_HAN",
                "HS_TRE_HAN",
                "TL_TRE_HAN_BC",
                "HS_TRUC_TUYEN.XA"
            ]
            .map(|s| Data::String(s.into()))
        );
        assert_eq!(row(1)[2], Data::String("Hồ sơ tiếp nhận".into()));
        assert_eq!(row(1)[7], Data::String("Hồ sơ trực tuyến (Cấp xã)".into()));
        assert_eq!(
            row(2)[..3],
            [Data::String("X_THIEN_LOC".into()), Data::String("Xã Thiên Lộc".into()), Data::Float(80020.0)]
        );
        assert_eq!(row(2)[6], Data::Float(1.08));
        assert_eq!(row(3)[0], Data::String("X_THUAN_THIEN".into()));
        assert_eq!(row(3)[7], Data::Empty);
        // And it reads back as the same values.
        let back = read_values(&model, &path, None).unwrap();
        assert_eq!(back.errors, vec![]);
        assert_eq!(cells(&back.values), cells(&values));
    }
}

mod roundtrip {
    use super::*;
    use chiso_core::code::code;
    use chiso_core::period::Period;
    use proptest::prelude::*;

    /// (element, option) pairs of the fixture, each with a value strategy in canonical form.
    fn value_for(element: &str) -> BoxedStrategy<String> {
        match element {
            "TL_TRE_HAN_BC" => (0u32..=100_000).prop_map(|x| chiso_core::element::plain(f64::from(x) / 1000.0)).boxed(),
            "HS_TIEP_NHAN" | "HS_GIAI_QUYET" | "HS_TRUC_TUYEN" => {
                (0i64..10_000_000_000).prop_map(|x| x.to_string()).boxed()
            }
            "KH_CDS_BAN_HANH" => any::<bool>().prop_map(|b| b.to_string()).boxed(),
            "NGAY_BAN_HANH_KH" => (0u32..20_000)
                .prop_map(|d| {
                    (chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + chrono::Days::new(d.into())).to_string()
                })
                .boxed(),
            "NEN_TANG_DUNG_CHUNG" => prop_oneof![TEXT, Just("1.205".to_string()), Just("92,12".to_string())].boxed(),
            _ => (-1_000_000i64..1_000_000).prop_map(|x| x.to_string()).boxed(),
        }
    }

    /// Text without surrounding blanks (values and comments are trimmed on reading).
    const TEXT: &str = "[^\\s\\x00]([^\\x00]{0,20}[^\\s\\x00])?";

    fn data_value() -> impl Strategy<Value = DataValue> {
        let elements = prop::sample::select(vec![
            "HS_TIEP_NHAN",
            "HS_GIAI_QUYET",
            "HS_TRE_HAN",
            "TL_TRE_HAN_BC",
            "HS_TRUC_TUYEN",
            "KH_CDS_BAN_HANH",
            "NGAY_BAN_HANH_KH",
            "NEN_TANG_DUNG_CHUNG",
        ]);
        let periods =
            prop::sample::select(vec!["2023", "2023S2", "2023Q3", "202308", "2024W35", "2024SatW35", "20230815"]);
        let units = prop::sample::select(vec!["HA_TINH", "SO_KHCN", "X_THIEN_LOC", "X_THUAN_THIEN"]);
        let options = prop::sample::select(vec!["TINH", "HUYEN", "XA"]);
        (elements, periods, units, options, prop::option::of(TEXT), prop::option::of(TEXT)).prop_flat_map(
            |(e, p, u, o, by, comment)| {
                value_for(e).prop_map(move |value| DataValue {
                    element: code(e),
                    period: p.parse::<Period>().unwrap(),
                    unit: code(u),
                    option: (e == "HS_TRUC_TUYEN").then(|| code(o)),
                    value,
                    stored_by: by.clone(),
                    comment: comment.clone(),
                    updated_at: None,
                })
            },
        )
    }

    fn read_back(model: &Model, bytes: &[u8], json: bool) -> Vec<DataValue> {
        let resolver = Resolver::new(model, "x");
        let mut out = Vec::new();
        let mut sink = |item: RawItem| {
            match item {
                RawItem::Value(raw) => out.push(resolver.resolve(raw).unwrap()),
                other => panic!("{other:?}"),
            }
            std::ops::ControlFlow::Continue(())
        };
        if json {
            read_json_values(bytes, "x.json", &mut sink).unwrap();
        } else {
            read_csv_values(bytes, "x.csv", &mut sink).unwrap();
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn csv_and_json_read_back_what_was_written(values in prop::collection::vec(data_value(), 0..40)) {
            let model = model();
            let mut csv = Vec::new();
            write_csv(&model, &values, &mut csv).unwrap();
            prop_assert_eq!(&read_back(&model, &csv, false), &values);
            let mut json = Vec::new();
            write_data_value_set_json(&model, &values, &mut json).unwrap();
            prop_assert_eq!(&read_back(&model, &json, true), &values);
        }
    }
}

// ---------------------------------------------------------------------------
// Registers

const REGISTER_YAML: &str = r#"# Sổ theo dõi dự án và nhiệm vụ
state_budget:
  - { year: 2026, amount: "11.250.000" }
projects:
  - code: DA_TTDL
    name: Nâng cấp Trung tâm dữ liệu tỉnh
    decisions: [{ number: 1285/QĐ-UBND, date: 2024-10-18, authority: UBND tỉnh }]
    total_investment: 68500
    period: { from: 2025, to: 2027 }
    funding: [{ source: NSTW, amount: 40000 }, { source: NSĐP, amount: "28.500" }]
    kind: public_investment
    unit: SO_KHCN
    pillar: HA_TANG_SO
    status: ongoing
    transition: true
    allocations:
      - { year: 2026, source: NSTW, amount: 16000 }
      - { year: 2026, source: NSDP, amount: 12000 }
    disbursements: [{ period: 202610, amount: 9500 }]
recurrent_tasks:
  - { code: TX_01, unit: SO_KHCN, name: Duy trì Trung tâm tích hợp dữ liệu, year: 2026, amount: "1.770", budget_line: SNKT }
tasks:
  - { code: NV01, name: Hoàn thành kho dữ liệu dùng chung, year: 2026, lead: [SO_KHCN], cooperating: [H_CAN_LOC], due: Tháng 09/2026 }
progress_reports:
  - { task: NV01, date: 2026-06-30, by: SO_KHCN, percent: 60 }
"#;

async fn store_with_metadata() -> SqliteStore {
    let store = store().await;
    let mut tx = store.begin().await.unwrap();
    tx.save_metadata(&read_metadata(&data("metadata.yaml")).unwrap(), MetadataMode::Replace).await.unwrap();
    tx.commit().await.unwrap();
    store
}

async fn import_reg(
    store: &SqliteStore,
    path: &Path,
    mode: MetadataMode,
    dry_run: bool,
) -> Result<RegistersImportReport, IoError> {
    let format = match detect(path).unwrap() {
        FileKind::Registers(f) => f,
        other => panic!("{} detected as {other:?}", path.display()),
    };
    import_registers(store, &Actor::new("vp", "cli import"), &model(), path, format, mode, dry_run).await
}

#[tokio::test]
async fn register_files_are_detected_imported_and_exported_losslessly() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "so_theo_doi.yaml", REGISTER_YAML);
    assert_eq!(detect(&path).unwrap(), FileKind::Registers(RegisterFormat::Yaml));
    assert_eq!(detect(&data("metadata.yaml")).unwrap(), FileKind::Metadata(MetadataFormat::Yaml));
    let store = store_with_metadata().await;

    // A dry run counts and writes nothing; the real run writes the five objects.
    let r = import_reg(&store, &path, MetadataMode::Merge, true).await.unwrap();
    assert_eq!((r.counts, r.committed), (counts(5, 0, 0), false));
    assert_eq!(store.load_registers().await.unwrap(), Default::default());
    let r = import_reg(&store, &path, MetadataMode::Merge, false).await.unwrap();
    assert_eq!((r.counts, r.committed), (counts(5, 0, 0), true));
    let reg = store.load_registers().await.unwrap();
    assert_eq!(reg.projects[0].allocated_in(2026), chiso_core::register::Money::million(28_000));
    assert_eq!(reg.recurrent_tasks[0].amount, chiso_core::register::Money::million(1_770));

    // Export (YAML and JSON) and import again: nothing changes.
    for name in ["xuat.yaml", "xuat.json"] {
        let out = dir.path().join(name);
        write_registers_file(&reg, &out).unwrap();
        assert_eq!(read_registers(&out).unwrap(), reg, "{name}");
        let r = import_reg(&store, &out, MetadataMode::Replace, true).await.unwrap();
        assert_eq!(r.counts, counts(0, 0, 5), "{name}");
    }
    assert!(matches!(detect(&dir.path().join("xuat.json")).unwrap(), FileKind::Registers(RegisterFormat::Json)));

    // A file of one progress report merges with the stored task it names.
    let more = temp_file(
        &dir,
        "tien_do.yaml",
        "progress_reports:\n  - { task: NV01, date: 2026-09-20, by: SO_KHCN, state: completed }\n",
    );
    let r = import_reg(&store, &more, MetadataMode::Merge, false).await.unwrap();
    assert_eq!(r.counts, counts(1, 0, 0));
    assert_eq!(store.load_registers().await.unwrap().progress_reports.len(), 2);
    // ... but replacing the registers with it alone leaves the report without its task.
    let e = import_reg(&store, &more, MetadataMode::Replace, false).await.unwrap_err().to_string();
    assert!(e.starts_with("tien_do.yaml: ") && e.contains("progress_reports[0]"), "{e}");
}

#[tokio::test]
async fn register_errors_name_file_and_place_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = REGISTER_YAML
        .replace("unit: SO_KHCN\n    pillar", "unit: SO_KHONG_CO\n    pillar")
        .replace("amount: 9500", "amount: -5");
    let path = temp_file(&dir, "loi.yaml", &bad);
    let store = store_with_metadata().await;
    let e = import_reg(&store, &path, MetadataMode::Merge, false).await.unwrap_err().to_string();
    assert!(e.contains("loi.yaml") && e.contains("projects[DA_TTDL].unit") && e.contains("SO_KHONG_CO"), "{e}");
    assert!(e.contains("projects[DA_TTDL].disbursements[0]"), "{e}");
    assert_eq!(store.load_registers().await.unwrap(), Default::default());
    // A typo in a field is a syntax error with its line.
    let typo = temp_file(&dir, "sai.yaml", &REGISTER_YAML.replace("budget_line", "budget_lines"));
    let e = import_reg(&store, &typo, MetadataMode::Merge, false).await.unwrap_err().to_string();
    assert!(e.starts_with("sai.yaml dòng ") && e.contains("budget_lines"), "{e}");
}

/// The projects appendix as an office keeps it: title rows, a header, a
/// group row, items, a repeated header after a page break, the total.
fn projects_workbook(path: &Path, broken: bool) {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Phụ lục V").unwrap();
    ws.write(0, 0, "DANH MỤC CÁC DỰ ÁN CHUYỂN ĐỔI SỐ SỬ DỤNG NGUỒN VỐN ĐẦU TƯ CÔNG NĂM 2026").unwrap();
    ws.write(1, 0, "ĐVT: Triệu đồng").unwrap();
    let head = [
        "STT",
        "Tên dự án",
        "Chủ đầu tư / đơn vị thực hiện",
        "Quyết định phê duyệt",
        "Tổng mức đầu tư",
        "Thời gian thực hiện",
        "Nguồn vốn",
        "Vốn bố trí năm 2025",
        "Vốn bố trí năm 2026",
        "Ghi chú",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write(3, c as u16, *h).unwrap();
    }
    ws.write(4, 0, "I").unwrap();
    ws.write(4, 1, "SỞ KHOA HỌC VÀ CÔNG NGHỆ").unwrap();
    ws.write(4, 8, 18_500).unwrap();
    // 1: numbers as numbers, one source.
    ws.write(5, 0, 1).unwrap();
    ws.write(5, 1, "Xây dựng kho dữ liệu dùng chung").unwrap();
    ws.write(5, 2, "Sở Khoa học và Công nghệ").unwrap();
    ws.write(5, 3, "Số 1153/QĐ-UBND ngày 21/10/2024").unwrap();
    ws.write(5, 4, 43_037).unwrap();
    ws.write(5, 5, "2025 - 2027").unwrap();
    ws.write(5, 6, "NSTW").unwrap();
    ws.write(5, 7, 10_000).unwrap();
    ws.write(5, 8, 15_000).unwrap();
    // The header again, after a page break.
    for (c, h) in head.iter().enumerate() {
        ws.write(6, c as u16, *h).unwrap();
    }
    // 2: Vietnamese number text, unit by short name, no decision yet, new start.
    ws.write(7, 0, "2").unwrap();
    ws.write(7, 1, "Hệ thống nền tảng nông nghiệp số").unwrap();
    ws.write(7, 2, if broken { "Sở TTTT" } else { "Sở KH&CN" }).unwrap();
    ws.write(7, 3, "Đang thực hiện thủ tục xin chủ trương đầu tư").unwrap();
    ws.write(7, 4, "19.000").unwrap();
    ws.write(7, 5, "2026 - 2028").unwrap();
    ws.write(7, 8, if broken { "3,5 tỷ" } else { "3.500,5" }).unwrap();
    ws.write(7, 9, "Khởi công mới").unwrap();
    ws.write(8, 1, "TỔNG CỘNG").unwrap();
    ws.write(8, 8, 18_500.5).unwrap();
    wb.save(path).unwrap();
}

#[tokio::test]
async fn projects_workbook_rows_become_investment_projects() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phu_luc_v.xlsx");
    projects_workbook(&path, false);
    assert_eq!(detect(&path).unwrap(), FileKind::Registers(RegisterFormat::ProjectsXlsx));
    let (projects, errors) = read_projects_xlsx(&path, &model()).unwrap();
    assert_eq!(errors, vec![]);
    use chiso_core::register::{Money, ProjectStatus, Source};
    let codes: Vec<&str> = projects.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["DA_01", "DA_02"], "group, repeated header and total rows are skipped");
    let (a, b) = (&projects[0], &projects[1]);
    assert_eq!(a.unit.as_str(), "SO_KHCN");
    assert_eq!(a.decisions[0].number, "1153/QĐ-UBND");
    assert_eq!(a.total_investment, Money::million(43_037));
    assert_eq!(
        (a.funding.len(), &a.funding[0].source, a.funding[0].amount),
        (1, &Source::Nstw, Money::million(43_037))
    );
    assert_eq!((a.allocated_in(2025), a.allocated_in(2026)), (Money::million(10_000), Money::million(15_000)));
    assert_eq!((a.status, a.transition), (ProjectStatus::Ongoing, true));
    assert_eq!(b.unit.as_str(), "SO_KHCN", "found by its short name");
    assert_eq!(b.allocated_in(2026), Money::from_thousand(3_500_500));
    assert_eq!(b.funding[0].source, Source::Nsdp, "no source stated: local budget");
    assert_eq!((b.status, b.transition, b.decisions.len()), (ProjectStatus::Planned, false, 0));
    assert_eq!(projects.iter().map(|p| p.allocated_in(2026)).sum::<Money>(), Money::from_thousand(18_500_500));

    // Imported all or nothing, then unchanged the second time.
    let store = store_with_metadata().await;
    let r = import_reg(&store, &path, MetadataMode::Merge, false).await.unwrap();
    assert_eq!(r.counts, counts(2, 0, 0));
    let r = import_reg(&store, &path, MetadataMode::Merge, true).await.unwrap();
    assert_eq!(r.counts, counts(0, 0, 2));
}

#[tokio::test]
async fn projects_workbook_errors_name_sheet_cell_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phu_luc_loi.xlsx");
    projects_workbook(&path, true);
    let (_, errors) = read_projects_xlsx(&path, &model()).unwrap();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with(
            "phu_luc_loi.xlsx trang \"Phụ lục V\" ô C8, cột Chủ đầu tư / đơn vị thực hiện: đơn vị \"Sở TTTT\""
        ),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with("phu_luc_loi.xlsx trang \"Phụ lục V\" ô I8, cột Vốn bố trí năm 2026: \"3,5 tỷ\""),
        "{shown:#?}"
    );
    let store = store_with_metadata().await;
    let e = import_reg(&store, &path, MetadataMode::Merge, false).await.unwrap_err().to_string();
    assert!(e.starts_with("phu_luc_loi.xlsx: 2 lỗi:"), "{e}");
    assert_eq!(store.load_registers().await.unwrap(), Default::default());
}
