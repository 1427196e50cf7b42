//! `chiso import` and `chiso export`: files in and out through chiso-io.

use super::*;

pub(super) async fn import(
    store: &SqliteStore,
    lang: Lang,
    file: &std::path::Path,
    dry_run: bool,
    replace: bool,
) -> Result<ExitCode> {
    let actor = cli_actor("import", file);
    match chiso_io::detect(file)? {
        chiso_io::FileKind::Metadata(_) => {
            let mode = if replace { MetadataMode::Replace } else { MetadataMode::Merge };
            let report = chiso_io::import_metadata(store, &actor, file, mode, dry_run).await?;
            println!("{}", metadata_report_text(lang, file, &report));
            Ok(ExitCode::SUCCESS)
        }
        chiso_io::FileKind::DataValues(format) => {
            let model = load_model(store).await?;
            let pb = spinner(lang.t("Đang nhập", "Importing"));
            let opts = chiso_io::ImportOptions { dry_run, format: Some(format) };
            let report =
                chiso_io::import_values(store, &actor, &model, file, &opts, &mut |n| pb.set_position(n)).await?;
            pb.finish_and_clear();
            print!("{}", import_report_text(lang, file, &report));
            Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        chiso_io::FileKind::Registers(format) => {
            let model = load_model(store).await?;
            let mode = if replace { MetadataMode::Replace } else { MetadataMode::Merge };
            let report = chiso_io::import_registers(store, &actor, &model, file, format, mode, dry_run).await?;
            println!("{}", registers_report_text(lang, file, &report));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// "Đã nhập sổ theo dõi registers.yaml: 3 mới, 1 cập nhật, 170 không đổi".
fn registers_report_text(lang: Lang, file: &std::path::Path, r: &chiso_io::RegistersImportReport) -> String {
    let head = lang.t("Đã nhập sổ theo dõi", "Registers imported");
    objects_report_text(lang, head, file, r.committed, &r.counts)
}

pub(super) async fn export(store: &SqliteStore, what: ExportWhat) -> Result<()> {
    match what {
        ExportWhat::Metadata { out, format } => {
            let meta = store.load_metadata().await?;
            match out {
                // The file's extension decides its format.
                Some(path) => chiso_io::write_metadata_file(&meta, &path)?,
                None => {
                    let format = match format {
                        MetaFormat::Yaml => chiso_io::MetadataFormat::Yaml,
                        MetaFormat::Json => chiso_io::MetadataFormat::Json,
                    };
                    chiso_io::write_metadata(&meta, std::io::stdout().lock(), format)?
                }
            }
        }
        ExportWhat::Registers { out, format } => {
            let reg = store.load_registers().await?;
            match out {
                Some(path) => chiso_io::write_registers_file(&reg, &path)?,
                None => {
                    let format = match format {
                        MetaFormat::Yaml => chiso_io::MetadataFormat::Yaml,
                        MetaFormat::Json => chiso_io::MetadataFormat::Json,
                    };
                    chiso_io::write_registers(&reg, std::io::stdout().lock(), format)?
                }
            }
        }
        ExportWhat::Data { out, format, dx, pe, ou } => {
            let model = load_model(store).await?;
            let codes = |s: &Option<String>| -> Result<Vec<Code>> {
                s.as_deref()
                    .unwrap_or("")
                    .split(';')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(|x| Code::new(x).map_err(Into::into))
                    .collect()
            };
            let periods = match &pe {
                None => Vec::new(),
                Some(s) => resolve_periods(&model, s, Local::now().date_naive())?,
            };
            // Values whose period falls within the periods asked (202308;2026Q3...).
            let between =
                periods_filter(&periods).between.map(|(s, e)| (s + chrono::Days::new(6), e - chrono::Days::new(6)));
            let filter = ValueFilter { elements: codes(&dx)?, units: codes(&ou)?, periods: Vec::new(), between };
            let format = match format {
                DataFormat::Json => chiso_io::DataFormat::Json,
                DataFormat::Csv => chiso_io::DataFormat::Csv,
                DataFormat::Xlsx => chiso_io::DataFormat::Xlsx,
            };
            let n = match out {
                Some(path) => chiso_io::export_values(store, &model, &filter, &path, Some(format)).await?,
                None => {
                    let values = store.values(&filter).await?;
                    let stdout = std::io::stdout().lock();
                    match format {
                        chiso_io::DataFormat::Json => chiso_io::write_data_value_set_json(&model, &values, stdout)?,
                        chiso_io::DataFormat::Csv => chiso_io::write_csv(&model, &values, stdout)?,
                        _ => bail!("xuất XLSX cần --out TỆP.xlsx"),
                    }
                }
            };
            eprintln!("Đã xuất {} giá trị.", format_integer(n as i64));
        }
    }
    Ok(())
}

pub(super) fn metadata_report_text(lang: Lang, file: &std::path::Path, r: &chiso_io::MetadataImportReport) -> String {
    let head = lang.t("Đã nhập siêu dữ liệu", "Metadata imported");
    objects_report_text(lang, head, file, r.committed, &r.counts)
}

/// "{head} FILE: 5 mới, 0 cập nhật, 2 không đổi[, 1 xóa]", or a dry run's.
fn objects_report_text(
    lang: Lang,
    head: &str,
    file: &std::path::Path,
    committed: bool,
    c: &chiso_store::Counts,
) -> String {
    let head = if committed { head } else { lang.t("Chạy thử (chưa ghi)", "Dry run (nothing written)") };
    let deleted = if c.deleted > 0 {
        format!(", {} {}", format_integer(c.deleted as i64), lang.t("xóa", "deleted"))
    } else {
        String::new()
    };
    format!("{head} {}: {}{deleted}", file.display(), counts_text(lang, c))
}

/// "5 mới, 0 cập nhật, 2 không đổi".
fn counts_text(lang: Lang, c: &chiso_store::Counts) -> String {
    format!(
        "{} {}, {} {}, {} {}",
        format_integer(c.imported as i64),
        lang.t("mới", "new"),
        format_integer(c.updated as i64),
        lang.t("cập nhật", "updated"),
        format_integer(c.unchanged as i64),
        lang.t("không đổi", "unchanged"),
    )
}

fn import_report_text(lang: Lang, file: &std::path::Path, r: &chiso_io::ImportReport) -> String {
    let c = &r.counts;
    let mut out = String::new();
    if r.errors.is_empty() {
        let head = if r.committed {
            lang.t("Đã nhập", "Imported")
        } else {
            lang.t("Chạy thử (chưa ghi)", "Dry run (nothing written)")
        };
        out.push_str(&format!(
            "{head} {}: {} {} — {}, {} {}\n",
            file.display(),
            format_integer(r.read as i64),
            lang.t("giá trị đọc được", "values read"),
            counts_text(lang, c),
            format_integer(r.ignored as i64),
            lang.t("bỏ qua", "ignored"),
        ));
    } else {
        out.push_str(&format!(
            "{} {}: {} {}.\n",
            lang.t("KHÔNG nhập giá trị nào vì tệp có lỗi", "Nothing imported: the file has errors"),
            file.display(),
            format_integer(r.read as i64),
            lang.t("giá trị đọc được", "values read"),
        ));
    }
    if !r.errors.is_empty() {
        out.push_str(&format!("{} {}:\n", format_integer(r.error_count() as i64), lang.t("lỗi", "errors")));
        for e in &r.errors {
            out.push_str(&format!("  - {e}\n"));
        }
        let more = r.error_count() - r.errors.len() as u64;
        if more > 0 {
            out.push_str(&format!("  ... {} {}\n", format_integer(more as i64), lang.t("lỗi khác", "more errors")));
        }
    }
    out
}
