//! `chiso demo`: loads the demo province in one transaction and creates
//! the demo accounts.

use super::*;

pub(super) async fn demo(store: &SqliteStore, lang: Lang, today: NaiveDate) -> Result<()> {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {human_pos}/{human_len} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(lang.t("Đang ghi số liệu", "Writing values").to_string());
    let demo = chiso_web::demo::load_demo(store, today, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await?;
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
        format_integer(demo.values.len() as i64),
        lang.t("giá trị", "values"),
        m.plans.iter().map(|p| p.targets.len()).sum::<usize>(),
        lang.t("chỉ tiêu kế hoạch", "plan targets"),
    );
    println!("{}", lang.t("Thử: chiso targets | chiso completeness | chiso validate | chiso analytics --dx TL_DUNG_HAN --pe LAST_12_MONTHS --ou LEVEL-2 | chiso serve", "Try: chiso targets | chiso completeness | chiso validate | chiso analytics --dx TL_DUNG_HAN --pe LAST_12_MONTHS --ou LEVEL-2 | chiso serve"));
    Ok(())
}

/// Creates (or resets) the demo accounts and prints them.
pub(super) async fn print_accounts(store: &SqliteStore, lang: Lang) -> Result<()> {
    let accounts = chiso_web::demo::create_demo_accounts(store).await?;
    println!(
        "{} {}):",
        lang.t("Tài khoản mẫu (mật khẩu chung:", "Demo accounts (shared password:"),
        chiso_web::demo::DEMO_PASSWORD
    );
    for (username, name, role, unit) in accounts {
        let role = if lang == Lang::En { role.label_en() } else { role.label_vi() };
        let unit = if unit.is_empty() { String::new() } else { format!(", {unit}") };
        println!("  {username:<12} {name} — {role}{unit}");
    }
    Ok(())
}
