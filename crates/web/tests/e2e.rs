//! End to end in a real headless Chromium: one monthly cycle of the demo
//! province (a commune reports with a rule error, fixes it and submits; the
//! office returns it; the commune resubmits; the office approves; the boards
//! and the analytics show the new figures) and a phone-width check.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`/usr/bin/chromium`,
//! `chromedriver` on the PATH; `$CHROMIUM` and `$CHROMEDRIVER` override).
//! Without them the tests print why and pass, unless `CHISO_E2E_REQUIRED=1`
//! (CI) makes them fail. Screenshots go to `target/e2e-screenshots/`
//! (`$CHISO_SCREENSHOTS` overrides).

use chiso_store::SqliteStore;
use chiso_web::{AppState, Config};
use chrono::NaiveDate;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::sync::OnceCell;

const TODAY: &str = "2026-11-23";
const PASSWORD: &str = chiso_web::demo::DEMO_PASSWORD;
/// The commune of the demo account `xa.anphu` and its district.
const COMMUNE: &str = "TT_AN_PHU";
const DISTRICT: &str = "H_AN_PHU";
const FORM: &str = "BC_THANG";
/// How long to wait for an element or a page.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// A step's outcome; the message says what was expected and what was seen.
type R<T = ()> = Result<T, String>;

trait Ctx<T> {
    fn ctx(self, what: impl Display) -> R<T>;
}

impl<T, E: Display> Ctx<T> for Result<T, E> {
    fn ctx(self, what: impl Display) -> R<T> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

fn ensure(cond: bool, msg: impl FnOnce() -> String) -> R {
    if cond { Ok(()) } else { Err(msg()) }
}

// ---------------------------------------------------------------------------
// Tools: Chromium, chromedriver
// ---------------------------------------------------------------------------

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The browser and its driver, or `None` (after saying why) when the tests
/// should be skipped. Panics when they are missing and required.
fn tools() -> Option<Tools> {
    let chromium = std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| "/usr/bin/chromium".into());
    let chromedriver = std::env::var_os("CHROMEDRIVER").map(PathBuf::from).or_else(|| on_path("chromedriver"));
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!("Chromium ({} not found; set $CHROMIUM)", chromium.display()));
    }
    if chromedriver.as_ref().is_none_or(|p| !p.is_file()) {
        missing.push("chromedriver (not on the PATH; set $CHROMEDRIVER)".to_string());
    }
    if missing.is_empty() {
        return Some(Tools { chromium, chromedriver: chromedriver.unwrap() });
    }
    let msg =
        format!("end-to-end tests need {} (Debian: apt-get install chromium chromium-driver)", missing.join(" and "));
    if std::env::var("CHISO_E2E_REQUIRED").is_ok_and(|v| v == "1") {
        panic!("CHISO_E2E_REQUIRED=1 but {msg}");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A chromedriver process in its own process group; dropping it ends the
/// group (the driver and any browser it started), even when a test fails.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn start(tools: &Tools, dir: &Path) -> R<Driver> {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let log = dir.join("chromedriver.log");
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .ctx(format!("starting {}", tools.chromedriver.display()))?;
        let mut driver = Driver { child, port, log };
        let start = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(driver);
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(format!("chromedriver exited at start-up ({status}); log: {}", driver.log_tail()));
            }
            if start.elapsed() > WAIT {
                return Err(format!("chromedriver did not answer on port {port} within {WAIT:?}"));
            }
            std::thread::sleep(POLL);
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).stderr(Stdio::null()).status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever is left of the group (a browser the driver did not close).
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// The application
// ---------------------------------------------------------------------------

fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

/// The demo database, generated once per test run.
async fn template_db() -> &'static PathBuf {
    static TEMPLATE: OnceCell<(TempDir, PathBuf)> = OnceCell::const_new();
    let (_, path) = TEMPLATE
        .get_or_init(|| async {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("template.db");
            let store = SqliteStore::open(&path).await.unwrap();
            chiso_web::demo::load_demo(&store, today(), &mut |_, _| {}).await.unwrap();
            chiso_web::demo::create_demo_accounts(&store).await.unwrap();
            store.close().await;
            (dir, path)
        })
        .await;
    path
}

/// The real application on its own copy of the demo database, served on a
/// free port of 127.0.0.1 by a task of the test's runtime.
struct Server {
    state: Arc<AppState>,
    base: String,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: TempDir,
}

impl Server {
    async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chiso.db");
        std::fs::copy(template_db().await, &path).unwrap();
        let store = SqliteStore::open(&path).await.unwrap();
        let config = Config { secure_cookies: false, today: Some(today()) };
        let state = Arc::new(AppState::load(Arc::new(store), config).await.unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(chiso_web::serve_on(state.clone(), listener));
        Server { state, base, task, _dir: dir }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ---------------------------------------------------------------------------
// The browser
// ---------------------------------------------------------------------------

fn screenshot_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CHISO_SCREENSHOTS") {
        return d.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("e2e-screenshots")
}

/// One Chromium session driven through chromedriver, pointed at a server.
struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
    /// Name prefix of failure artefacts.
    name: &'static str,
    // Dropped after the client: the driver (and browser), then the profile.
    driver: Driver,
    _profile: TempDir,
}

impl Browser {
    /// A session with a window of `width` × `height`; `phone` emulates a
    /// phone's screen of that size (Chromium's windows are at least 500 px
    /// wide), honouring the viewport meta tag.
    async fn start(
        tools: &Tools,
        base: &str,
        name: &'static str,
        (width, height): (u32, u32),
        phone: bool,
    ) -> R<Browser> {
        let profile = tempfile::tempdir().ctx("profile directory")?;
        let driver = Driver::start(tools, profile.path())?;
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--hide-scrollbars".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().join("chrome").display()),
        ];
        let mut options = json!({ "binary": tools.chromium, "args": args });
        if phone {
            options["mobileEmulation"] = json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2, "mobile": true, "touch": true } });
        }
        let caps = json!({ "browserName": "chrome", "goog:chromeOptions": options });
        let Value::Object(caps) = caps else { unreachable!() };
        let mut last = String::new();
        for _ in 0..5 {
            match ClientBuilder::native().capabilities(caps.clone()).connect(&driver.url()).await {
                Ok(client) => {
                    let shots = screenshot_dir();
                    std::fs::create_dir_all(&shots).ctx(format!("creating {}", shots.display()))?;
                    // A previous run's failure artefacts would mislead.
                    for ext in ["png", "html"] {
                        let _ = std::fs::remove_file(shots.join(format!("failure-{name}.{ext}")));
                    }
                    return Ok(Browser { client, base: base.to_string(), shots, name, driver, _profile: profile });
                }
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Err(format!("no Chromium session: {last}\nchromedriver log:\n{}", driver.log_tail()))
    }

    /// Ends the session (closing Chromium) before the driver is stopped.
    async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
    }

    async fn goto(&self, path: &str) -> R {
        self.client.goto(&format!("{}{path}", self.base)).await.ctx(format!("opening {path}"))
    }

    async fn path(&self) -> String {
        match self.client.current_url().await {
            Ok(u) => match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            },
            Err(e) => format!("(unknown url: {e})"),
        }
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> R<Value> {
        self.client.execute(script, args).await.ctx(format!("script {script:.60}"))
    }

    /// The element matching `css` now, if any.
    async fn maybe(&self, css: &str) -> R<Option<Element>> {
        let mut found = self.client.find_all(Locator::Css(css)).await.ctx(format!("finding {css}"))?;
        Ok(if found.is_empty() { None } else { Some(found.swap_remove(0)) })
    }

    /// An error page's code and message, if this is one.
    async fn error_page(&self) -> Option<String> {
        let e = self.maybe("p.error-message").await.ok()??;
        let code = e.attr("data-status").await.ok().flatten().unwrap_or_default();
        Some(format!("error page {code}: {}", e.text().await.unwrap_or_default()))
    }

    /// Waits (up to 10 s) for an element matching `css`; stops early on an
    /// error page.
    async fn find(&self, css: &str) -> R<Element> {
        let start = Instant::now();
        loop {
            if let Some(e) = self.maybe(css).await? {
                return Ok(e);
            }
            if let Some(err) = self.error_page().await {
                return Err(format!("waiting for {css} on {}: {err}", self.path().await));
            }
            if start.elapsed() > WAIT {
                let title = self.client.title().await.unwrap_or_default();
                return Err(format!("no {css} on {} (title {title:?}) after {WAIT:?}", self.path().await));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn find_all(&self, css: &str) -> R<Vec<Element>> {
        self.client.find_all(Locator::Css(css)).await.ctx(format!("finding {css}"))
    }

    async fn attr(&self, e: &Element, name: &str) -> R<String> {
        Ok(e.attr(name).await.ctx(format!("attribute {name}"))?.unwrap_or_default())
    }

    /// The page's visible text.
    async fn body_text(&self) -> R<String> {
        self.find("body").await?.text().await.ctx("body text")
    }

    /// Waits until a JavaScript expression is true.
    async fn wait_js(&self, what: &str, expr: &str) -> R {
        let script = format!("return !!({expr});");
        let start = Instant::now();
        loop {
            if let Ok(Value::Bool(true)) = self.client.execute(&script, vec![]).await {
                return Ok(());
            }
            if start.elapsed() > WAIT {
                return Err(format!("{what}: still false after {WAIT:?} on {}: {expr}", self.path().await));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks, falling back to a script click when something covers the element.
    async fn click(&self, e: &Element) -> R {
        if e.click().await.is_ok() {
            return Ok(());
        }
        let arg = serde_json::to_value(e).ctx("element reference")?;
        self.js("arguments[0].click();", vec![arg]).await.map(|_| ())
    }

    /// Clicks something that loads a new page and waits for it to load.
    async fn click_and_load(&self, e: &Element) -> R {
        self.js("window.__e2e_old_page = true;", vec![]).await?;
        self.click(e).await?;
        self.wait_js("new page", "window.__e2e_old_page === undefined && document.readyState === 'complete'").await
    }

    async fn click_css_and_load(&self, css: &str) -> R {
        let e = self.find(css).await?;
        self.click_and_load(&e).await
    }

    /// Replaces the text of an input or textarea by typing.
    async fn type_into(&self, e: &Element, text: &str) -> R {
        e.clear().await.ctx("clearing a field")?;
        if !text.is_empty() {
            e.send_keys(text).await.ctx(format!("typing {text:?}"))?;
        }
        Ok(())
    }

    /// Saves a screenshot of the whole page (the window is stretched to the
    /// page's height, at most 6000 px, for the shot).
    async fn shot(&self, file: &str) -> R {
        let (w, h) = self.client.get_window_size().await.ctx("window size")?;
        let height = self.js("return document.documentElement.scrollHeight;", vec![]).await?.as_u64().unwrap_or(h);
        let tall = height.clamp(h, 6000) as u32;
        if tall as u64 > h {
            let _ = self.client.set_window_size(w as u32, tall).await;
        }
        let png = self.client.screenshot().await.ctx("screenshot");
        if tall as u64 > h {
            let _ = self.client.set_window_size(w as u32, h as u32).await;
        }
        let path = self.shots.join(file);
        std::fs::write(&path, png?).ctx(format!("writing {}", path.display()))?;
        eprintln!("  screenshot {}", path.display());
        Ok(())
    }

    /// After a failed step: a screenshot and the HTML of the page.
    async fn save_failure(&self) {
        let shot = format!("failure-{}.png", self.name);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(self.shots.join(&shot), png);
        }
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::write(self.shots.join(format!("failure-{}.html", self.name)), html);
        }
        eprintln!(
            "  failure artefacts: {} and failure-{}.html (page {})",
            self.shots.join(shot).display(),
            self.name,
            self.path().await
        );
    }

    /// Logs in through the login form.
    async fn login(&self, username: &str, shot: Option<&str>) -> R {
        self.goto("/login").await?;
        let user = self.find("#username").await?;
        self.type_into(&user, username).await?;
        let pass = self.find("#password").await?;
        self.type_into(&pass, PASSWORD).await?;
        if let Some(file) = shot {
            self.shot(file).await?;
        }
        self.click_css_and_load("#login-submit").await?;
        self.find(r#"form[action="/logout"] button"#).await.map_err(|e| format!("login of {username} failed: {e}"))?;
        ensure(!self.path().await.starts_with("/login"), || {
            format!("still on the login page after logging in {username}")
        })
    }

    /// Logs out with the header's button.
    async fn logout(&self) -> R {
        let button = self.find(r#"form[action="/logout"] button"#).await?;
        self.click_and_load(&button).await?;
        self.goto("/login").await?;
        self.find("#username").await.map(|_| ())
    }

    /// Whether the document is no wider than the window.
    async fn horizontal_overflow(&self) -> R<Option<String>> {
        let v = self
            .js(
                "return [document.documentElement.scrollWidth, window.innerWidth, \
                 Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > \
                 window.innerWidth + 1 && !e.closest('.table-wrap')).slice(0, 5).map(e => e.tagName + \
                 (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + \
                 e.className.split(' ').join('.') : ''))];",
                vec![],
            )
            .await?;
        let sw = v[0].as_f64().unwrap_or(0.0);
        let iw = v[1].as_f64().unwrap_or(0.0);
        Ok((sw > iw + 1.0).then(|| format!("document {sw}px wide in a {iw}px window; too wide: {}", v[2])))
    }
}

/// Runs a scenario; on failure keeps a screenshot and the page, then panics
/// with the step's message. The browser is closed in every case.
async fn run(browser: Browser, scenario: impl AsyncFnOnce(&Browser) -> R) {
    let outcome = scenario(&browser).await;
    if outcome.is_err() {
        browser.save_failure().await;
    }
    let log = browser.driver.log.clone();
    browser.close().await;
    if let Err(e) = outcome {
        panic!("{e}\n(chromedriver log: {})", log.display());
    }
}

// ---------------------------------------------------------------------------
// The report on the home page and the entry form
// ---------------------------------------------------------------------------

/// A report row of the home page.
#[derive(Debug)]
struct Due {
    period: String,
    unit: String,
    status: String,
    href: String,
}

async fn due_reports(b: &Browser) -> R<Vec<Due>> {
    b.find("table#due-forms").await?;
    let mut out = Vec::new();
    for row in b.find_all(&format!(r#"table#due-forms tr[data-form="{FORM}"]"#)).await? {
        let href = match row.find(Locator::Css("a.open-form")).await {
            Ok(a) => b.attr(&a, "href").await?,
            Err(_) => String::new(),
        };
        out.push(Due {
            period: b.attr(&row, "data-period").await?,
            unit: b.attr(&row, "data-unit").await?,
            status: b.attr(&row, "data-status").await?,
            href,
        });
    }
    Ok(out)
}

const EDITABLE: [&str; 3] = ["not_started", "draft", "returned"];

/// The monthly report to fill: the first the unit can still edit (the home
/// page lists overdue ones first, then the open month); else a submitted
/// one not yet reviewed, with `true`: it must be recalled first.
fn pick(reports: &[Due]) -> R<(&Due, bool)> {
    if let Some(d) = reports.iter().find(|d| EDITABLE.contains(&d.status.as_str()) && !d.href.is_empty()) {
        return Ok((d, false));
    }
    if let Some(d) = reports.iter().find(|d| d.status == "submitted" && !d.href.is_empty()) {
        return Ok((d, true));
    }
    Err(format!("no {FORM} report to fill on the home page (rows: {reports:?})"))
}

/// The figures typed into the form (Vietnamese number format), by
/// `ELEMENT.OPTION` or `ELEMENT`. Received 120 + 80 + 0 = 200, resolved 150
/// (140 on time, 10 late: 6,67%).
const FIGURES: &[(&str, &str)] = &[
    ("HS_TIEP_NHAN.TRUC_TUYEN", "120"),
    ("HS_TIEP_NHAN.TRUC_TIEP", "80"),
    ("HS_TIEP_NHAN.BUU_CHINH", "0"),
    ("HS_GIAI_QUYET", "150"),
    ("HS_DUNG_HAN", "140"),
    ("HS_TRE_HAN", "10"),
    ("HS_TY_LE_TRE_HAN", "6,67"),
    ("HS_SO_HOA", "130"),
    ("TT_TRUC_TUYEN", "45"),
    ("HOP", "12"),
    ("HOP_TRUC_TUYEN", "5"),
    ("VB_DI", "1.205"),
    ("VB_DI_DIEN_TU", "1.180"),
    ("CBCC", "48"),
    ("CBCC_KY_NANG_SO", "40"),
    ("DAO_TAO_LUOT", "60"),
    ("MAY_TINH", "52"),
    ("MAY_TINH_PCMD", "50"),
    ("HTTT", "3"),
    ("HTTT_CAP_DO", "2"),
    ("DL_MO", "1"),
    ("TMDT_DN", "4"),
    ("TCNSCD_THANH_VIEN", "25"),
    ("TCNSCD_HOAT_DONG", "9"),
];
/// What the analytics engine must answer for the approved report: the
/// received total (120 + 80 + 0), figures typed with a thousands dot or a
/// decimal comma, and the figure changed on resubmission.
const STORED: &[(&str, f64)] = &[
    ("HS_TIEP_NHAN", 200.0),
    ("VB_DI", 1205.0),
    ("HS_TY_LE_TRE_HAN", 6.67),
    ("HS_GIAI_QUYET", 150.0),
    (CHANGED.0, CHANGED.2),
];
/// More resolved than received: breaks rule GQ_LE_TN.
const TOO_MANY_RESOLVED: &str = "1.250";
/// The figure changed when the returned report is resubmitted.
const CHANGED: (&str, &str, f64) = ("TT_TRUC_TUYEN", "52", 52.0);

fn figure(key: &str) -> Option<&'static str> {
    FIGURES.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Types the figures into the entry form: every known field gets its figure,
/// any other empty editable field a small one; empty narratives get a text.
async fn fill_form(b: &Browser, overrides: &[(&str, &str)]) -> R {
    let inputs = b.find_all(r#"#entry-form input[name^="v:"]"#).await?;
    ensure(!inputs.is_empty(), || "the entry form has no value inputs (name=\"v:ELEMENT\")".into())?;
    let mut names = Vec::new();
    for e in &inputs {
        names.push(b.attr(e, "name").await?);
    }
    let mut filled = 0;
    for (e, name) in inputs.iter().zip(&names) {
        let ty = b.attr(e, "type").await?;
        if matches!(ty.as_str(), "hidden" | "checkbox" | "radio" | "file")
            || e.attr("readonly").await.ctx("readonly")?.is_some()
            || !e.is_enabled().await.ctx("enabled")?
        {
            continue;
        }
        let key = name.trim_start_matches("v:");
        let has_options = !key.contains('.') && names.iter().any(|n| n.starts_with(&format!("v:{key}.")));
        let want = overrides.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).or_else(|| figure(key));
        let current = e.prop("value").await.ctx("value")?.unwrap_or_default();
        let text = match want {
            Some(v) => v,
            // A total beside its options: the options carry the figure.
            None if has_options => "",
            None if current.trim().is_empty() => "1",
            None => continue,
        };
        if current != text {
            b.type_into(e, text).await.map_err(|err| format!("{name}: {err}"))?;
        }
        filled += 1;
    }
    for t in b.find_all(r#"#entry-form textarea[name^="n:"]"#).await? {
        if t.prop("value").await.ctx("narrative")?.unwrap_or_default().trim().is_empty() {
            b.type_into(&t, "Tiếp nhận 200 hồ sơ, giải quyết 150 hồ sơ (kiểm thử tự động).").await?;
        }
    }
    eprintln!("  typed {filled} figures into {} inputs", names.len());
    Ok(())
}

/// Fills every warning explanation on the page that is still empty.
async fn explain_warnings(b: &Browser) -> R<usize> {
    let mut n = 0;
    for e in b.find_all(r#"#entry-form textarea[name^="explain:"], #entry-form input[name^="explain:"]"#).await? {
        if e.is_displayed().await.unwrap_or(false)
            && e.prop("value").await.ctx("explanation")?.unwrap_or_default().trim().is_empty()
        {
            b.type_into(&e, "Số liệu đã đối chiếu với sổ theo dõi hồ sơ của đơn vị.").await?;
            n += 1;
        }
    }
    Ok(n)
}

async fn status(b: &Browser) -> R<String> {
    let s = b.find("#status").await?;
    b.attr(&s, "data-status").await
}

/// Submits the entry form and waits until it is submitted, explaining any
/// warnings the rules raise.
async fn submit_until_submitted(b: &Browser) -> R {
    for _ in 0..3 {
        explain_warnings(b).await?;
        b.click_css_and_load(r#"#entry-form button[name="action"][value="submit"]"#).await?;
        if status(b).await? == "submitted" {
            b.find("#saved").await?;
            return Ok(());
        }
        let errors = b.find_all(r#"#violations li[data-severity="error"]"#).await?;
        if !errors.is_empty() {
            let mut texts = Vec::new();
            for e in errors {
                texts.push(format!("{}: {}", b.attr(&e, "data-rule").await?, e.text().await.unwrap_or_default()));
            }
            return Err(format!("submission refused by rule errors: {texts:?}"));
        }
        if explain_warnings(b).await? == 0 {
            return Err(format!("not submitted (status {:?}) and no warning left to explain", status(b).await?));
        }
    }
    Err("still not submitted after explaining the warnings".into())
}

/// The office's review page of the report: acts and waits for the status.
async fn review(b: &Browser, period: &str, unit: &str, action: &str, comment: &str, want: &str) -> R {
    b.goto(&format!("/review/{FORM}/{period}/{unit}")).await?;
    b.find("form#review-form").await?;
    if !comment.is_empty() {
        let c = b.find("#review-comment").await?;
        b.type_into(&c, comment).await?;
    }
    b.click_css_and_load(&format!(r#"#review-form button[name="action"][value="{action}"]"#)).await?;
    if let Err(e) = b.find(&format!(r#"#status[data-status="{want}"]"#)).await {
        return Err(format!("after {action}: {e} (status {:?})", status(b).await));
    }
    Ok(())
}

/// The unit's row of the completeness board.
async fn board_status(b: &Browser, period: &str, unit: &str) -> R<String> {
    b.goto(&format!("/review/{FORM}/{period}")).await?;
    b.find("table#units").await?;
    let row = b.find(&format!(r#"table#units tr[data-unit="{unit}"]"#)).await?;
    b.attr(&row, "data-status").await
}

/// What the board must say of a report submitted today: on time unless
/// the deadline has passed.
fn expected_timeliness(state: &AppState, period: &str) -> R<&'static str> {
    let model = state.model();
    let form = model.form(FORM).ok_or("no monthly form in the demo")?;
    let p: chiso_core::period::Period = period.parse().ctx(format!("period {period}"))?;
    let due = form.due.due_date(&p, form.cutoff, &chiso_core::period::WorkingCalendar::vietnam());
    eprintln!("  {FORM} {period} is due {due}; today {TODAY}");
    Ok(if today() <= due { "on_time" } else { "late" })
}

/// One analytics figure, fetched by the browser with its session.
async fn analytics_value(b: &Browser, dx: &str, period: &str, unit: &str) -> R<Option<f64>> {
    let url = format!("/api/analytics?dimension=dx:{dx}&dimension=pe:{period}&dimension=ou:{unit}");
    let reply = b
        .js(
            "return fetch(arguments[0], {credentials: 'same-origin', headers: {Accept: 'application/json'}})\
             .then(r => r.text().then(t => [r.status, t]));",
            vec![json!(url)],
        )
        .await?;
    let code = reply[0].as_u64().unwrap_or(0);
    let body = reply[1].as_str().unwrap_or_default();
    ensure(code == 200, || format!("GET {url} answered {code}: {body:.300}"))?;
    let v: Value = serde_json::from_str(body).ctx(format!("GET {url} is not JSON: {body:.300}"))?;
    let headers = v["headers"].as_array().ok_or_else(|| format!("GET {url}: no headers in {body:.300}"))?;
    let col = |n: &str| headers.iter().position(|h| h["name"] == n);
    let (Some(dxc), Some(vc)) = (col("dx"), col("value")) else {
        return Err(format!("GET {url}: no dx or value column in {body:.300}"));
    };
    let rows = v["rows"].as_array().cloned().unwrap_or_default();
    let row = rows.iter().find(|r| r[dxc] == dx);
    Ok(row.and_then(|r| match &r[vc] {
        Value::String(s) => s.parse().ok(),
        n => n.as_f64(),
    }))
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

/// The monthly cycle of issue 3, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_cycle() {
    let Some(tools) = tools() else { return };
    let server = Server::start().await;
    let browser = match Browser::start(&tools, &server.base, "monthly-cycle", (1280, 900), false).await {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    let started = Instant::now();
    run(browser, async |b| {
        let comment = "Đề nghị kiểm tra lại số giao dịch thanh toán trực tuyến (kiểm thử e2e).";

        eprintln!("1. the commune logs in");
        b.login("xa.anphu", Some("01-login.png")).await?;
        b.find("table#due-forms").await?;
        b.shot("02-home-reporter.png").await?;

        eprintln!("2. fills the monthly report with more dossiers resolved than received");
        let reports = due_reports(b).await?;
        let (due, recall) = pick(&reports)?;
        let (period, unit, href) = (due.period.clone(), due.unit.clone(), due.href.clone());
        eprintln!("  report {FORM} {period} {unit} ({}) at {href}", due.status);
        ensure(unit == COMMUNE, || format!("the commune account's report is for {unit}, not {COMMUNE}"))?;
        ensure(href == format!("/forms/{FORM}/{period}/{unit}"), || format!("a.open-form goes to {href}"))?;
        let open =
            b.find(&format!(r#"table#due-forms tr[data-period="{period}"][data-unit="{unit}"] a.open-form"#)).await?;
        b.click_and_load(&open).await?;
        b.find("form#entry-form").await?;
        if recall {
            eprintln!("  (the demo already submitted it: recalling it first)");
            b.click_css_and_load(r#"#entry-form button[name="action"][value="recall"]"#).await?;
            b.find(r#"#status[data-status="draft"]"#).await?;
        }
        fill_form(b, &[("HS_GIAI_QUYET", TOO_MANY_RESOLVED)]).await?;
        b.click_css_and_load(r#"#entry-form button[name="action"][value="submit"]"#).await?;
        let violation = b.find(r#"#violations li[data-rule="GQ_LE_TN"][data-severity="error"]"#).await?;
        ensure(violation.is_displayed().await.unwrap_or(false), || "the GQ_LE_TN violation is not visible".into())?;
        let st = status(b).await?;
        ensure(st != "submitted", || "a report breaking GQ_LE_TN (an error) was submitted".into())?;
        // What was typed is still there, as typed or reformatted.
        let resolved = b.find("#v-HS_GIAI_QUYET").await?.prop("value").await.ctx("HS_GIAI_QUYET")?.unwrap_or_default();
        ensure(resolved.replace(['.', ' '], "") == "1250", || format!("HS_GIAI_QUYET shows {resolved:?}, not 1.250"))?;
        b.shot("03-entry-violation.png").await?;

        eprintln!("3. fixes the figure and submits");
        fill_form(b, &[]).await?;
        submit_until_submitted(b).await?;
        b.shot("04-entry-submitted.png").await?;

        eprintln!("4. the office sees it on the board and returns it");
        b.logout().await?;
        b.login("vanphong", None).await?;
        let board = board_status(b, &period, &unit).await?;
        ensure(matches!(board.as_str(), "on_time" | "late"), || {
            format!("board row of {unit}: {board}, not submitted")
        })?;
        b.shot("05-review-board.png").await?;
        review(b, &period, &unit, "return", comment, "returned").await?;
        b.shot("06-review-returned.png").await?;

        eprintln!("5. the commune sees the return, corrects and resubmits");
        b.logout().await?;
        b.login("xa.anphu", None).await?;
        let row = b
            .find(&format!(r#"table#due-forms tr[data-form="{FORM}"][data-period="{period}"][data-unit="{unit}"]"#))
            .await?;
        let st = b.attr(&row, "data-status").await?;
        ensure(st == "returned", || format!("home shows the report as {st:?}, not returned"))?;
        let home = b.body_text().await?;
        ensure(home.contains(comment), || format!("the office's comment {comment:?} is not on the home page"))?;
        let open = row.find(Locator::Css("a.open-form")).await.ctx("a.open-form in the returned row")?;
        b.click_and_load(&open).await?;
        b.find("form#entry-form").await?;
        let entry = b.body_text().await?;
        ensure(entry.contains(comment), || "the office's comment is not on the returned report's form".into())?;
        fill_form(b, &[(CHANGED.0, CHANGED.1)]).await?;
        submit_until_submitted(b).await?;

        eprintln!("6. the office approves");
        b.logout().await?;
        b.login("vanphong", None).await?;
        review(b, &period, &unit, "approve", "", "approved").await?;
        b.shot("07-review-approved.png").await?;

        eprintln!("7. the boards show the new figures");
        let want = expected_timeliness(&server.state, &period)?;
        let board = board_status(b, &period, &unit).await?;
        ensure(board == want, || format!("board row of {unit} for {period}: {board}, expected {want}"))?;
        for &(dx, want) in STORED {
            let got = analytics_value(b, dx, &period, &unit).await?;
            ensure(got.is_some_and(|v| (v - want).abs() < 1e-9), || {
                format!("GET /api/analytics {dx} {period} {unit}: {got:?}, expected {want}")
            })?;
        }
        b.goto("/targets").await?;
        b.find("table#targets tr[data-target]").await?;
        b.shot("08-targets.png").await?;
        b.goto("/dashboard").await?;
        b.find("section#key-indicators").await?;
        b.find("table#ranking").await?;
        b.shot("09-dashboard.png").await?;
        for ou in [DISTRICT, unit.as_str()] {
            b.goto(&format!("/dashboard?ou={ou}")).await?;
            b.find("section#key-indicators").await?;
        }
        b.goto("/audit").await?;
        b.find("main table").await?;
        let audit = b.body_text().await?;
        ensure(audit.contains("xa.anphu") || audit.contains("Võ Văn Tâm"), || {
            "the audit page does not show the commune's changes (neither xa.anphu nor Võ Văn Tâm)".into()
        })?;
        b.shot("10-audit.png").await?;
        b.logout().await?;
        b.login("lanhdao", None).await?;
        b.goto("/dashboard").await?;
        b.find("section#key-indicators").await?;
        b.shot("11-dashboard-leader.png").await?;
        Ok(())
    })
    .await;
    eprintln!("monthly cycle done in {:.1} s", started.elapsed().as_secs_f64());
}

/// The commune's home and entry form on a phone: nothing wider than the
/// screen except inside `.table-wrap`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_width() {
    let Some(tools) = tools() else { return };
    let server = Server::start().await;
    let browser = match Browser::start(&tools, &server.base, "phone-width", (390, 844), true).await {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    run(browser, async |b| {
        b.login("xa.anphu", None).await?;
        let width = b.js("return window.innerWidth;", vec![]).await?;
        ensure(width.as_u64() == Some(390), || format!("the phone's window is {width} px wide, not 390"))?;
        b.find("table#due-forms").await?;
        if let Some(o) = b.horizontal_overflow().await? {
            return Err(format!("home page scrolls sideways: {o}"));
        }
        b.shot("12-mobile-home.png").await?;
        let reports = due_reports(b).await?;
        let (due, _) = pick(&reports)?;
        b.goto(&due.href).await?;
        b.find("form#entry-form").await?;
        if let Some(o) = b.horizontal_overflow().await? {
            return Err(format!("entry form scrolls sideways: {o}"));
        }
        b.shot("13-mobile-entry.png").await?;
        Ok(())
    })
    .await;
}
