//! `chiso serve`: the web application on the store.

use super::*;
use chiso_web::{AppState, Config};

pub(super) async fn serve(
    store: SqliteStore,
    lang: Lang,
    addr: std::net::SocketAddr,
    with_demo: bool,
    today: Option<NaiveDate>,
    secure_cookies: bool,
) -> Result<ExitCode> {
    if with_demo {
        demo::demo(&store, lang, today.unwrap_or_else(|| Local::now().date_naive())).await?;
        demo::print_accounts(&store, lang).await?;
    }
    let started = std::time::Instant::now();
    let state = AppState::load(Arc::new(store), Config { secure_cookies, today })
        .await
        .context("không nạp được dữ liệu để chạy ứng dụng web")?;
    let snapshot = state.snapshot();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("không mở được cổng {addr} (đã có chương trình khác dùng?)"))?;
    println!(
        "{} {} ({} {} {:.1} s). {}",
        lang.t("chiso đang chạy tại", "chiso is running at"),
        format_args!("http://{addr}/"),
        format_integer(snapshot.engine.len() as i64),
        lang.t("giá trị nạp trong", "values loaded in"),
        started.elapsed().as_secs_f64(),
        lang.t("Nhấn Ctrl+C để dừng.", "Press Ctrl+C to stop."),
    );
    drop(snapshot);
    chiso_web::serve_on(Arc::new(state), listener).await.context("máy chủ web dừng vì lỗi")?;
    Ok(ExitCode::SUCCESS)
}
