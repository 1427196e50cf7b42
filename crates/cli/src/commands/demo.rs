//! `chiso demo`: loads the demo province in one transaction.

use super::*;

pub(super) async fn demo(store: &SqliteStore, lang: Lang, today: NaiveDate) -> Result<ExitCode> {
    let pb = spinner(lang.t("Đang tạo tỉnh mẫu", "Generating the demo province"));
    let demo = chiso_demo::generate(today);
    pb.finish_and_clear();
    let total = demo.values.len() as u64;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {human_pos}/{human_len} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(lang.t("Đang ghi số liệu", "Writing values").to_string());
    let mut tx = store.begin().await?;
    tx.save_metadata(&demo.metadata, MetadataMode::Replace).await?;
    tx.delete_values(&ValueFilter::default()).await?;
    for chunk in demo.values.chunks(5_000) {
        tx.put_values(chunk).await?;
        bar.inc(chunk.len() as u64);
    }
    tx.put_narratives(&demo.narratives).await?;
    tx.put_submissions(&demo.submissions).await?;
    tx.commit().await?;
    bar.finish_and_clear();
    let m = &demo.metadata;
    println!(
        "{}: {} — {} {}, {} {}, {} {}, {} {}, {} {}, {} {}.",
        lang.t("Đã nạp tỉnh mẫu", "Demo province loaded"),
        m.name.clone().unwrap_or_default(),
        format_integer(m.org_units.len() as i64),
        lang.t("đơn vị", "units"),
        m.forms.len(),
        lang.t("biểu mẫu", "forms"),
        m.data_elements.len(),
        lang.t("chỉ tiêu dữ liệu", "data elements"),
        m.indicators.len(),
        lang.t("chỉ số", "indicators"),
        format_integer(total as i64),
        lang.t("giá trị", "values"),
        m.plans.iter().map(|p| p.targets.len()).sum::<usize>(),
        lang.t("chỉ tiêu kế hoạch", "plan targets"),
    );
    println!("{}", lang.t("Thử: chiso targets | chiso completeness | chiso validate | chiso analytics --dx TL_DUNG_HAN --pe LAST_12_MONTHS --ou LEVEL-2", "Try: chiso targets | chiso completeness | chiso validate | chiso analytics --dx TL_DUNG_HAN --pe LAST_12_MONTHS --ou LEVEL-2"));
    Ok(ExitCode::SUCCESS)
}
