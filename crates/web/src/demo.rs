//! The demo province with accounts for each role, for `chiso demo` and
//! `chiso serve --demo`.

use crate::auth::hash_password;
use chiso_core::Code;
use chiso_core::access::{Role, Scope};
use chiso_store::{Account, MetadataMode, NewAccount, Store, StoreError, ValueFilter};
use chrono::NaiveDate;

/// The password of every demo account (printed at start-up).
pub const DEMO_PASSWORD: &str = "chiso2026";

/// A demo account: username, full name, role, unit, unit and below.
pub struct DemoAccount {
    pub username: &'static str,
    pub full_name: &'static str,
    pub role: Role,
    pub unit: Option<&'static str>,
    pub include_descendants: bool,
}

/// One account per kind of user: the office, a leader, and reporters for a
/// department, a district (with its communes) and a commune.
#[rustfmt::skip]
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { username: "admin", full_name: "Quản trị hệ thống", role: Role::Admin, unit: None, include_descendants: false },
    DemoAccount { username: "vanphong", full_name: "Trần Thị Minh Thu", role: Role::Office, unit: None, include_descendants: false },
    DemoAccount { username: "lanhdao", full_name: "Lê Quang Vinh", role: Role::Leader, unit: None, include_descendants: false },
    DemoAccount { username: "so.khcn", full_name: "Phạm Văn Hùng", role: Role::Reporter, unit: Some("SO_KHCN"), include_descendants: false },
    DemoAccount { username: "huyen.anphu", full_name: "Nguyễn Thị Lan", role: Role::Reporter, unit: Some("H_AN_PHU"), include_descendants: true },
    DemoAccount { username: "xa.anphu", full_name: "Võ Văn Tâm", role: Role::Reporter, unit: None, include_descendants: false },
];

/// The commune of the commune demo account: the first commune of Huyện An Phú.
pub fn demo_commune(meta: &chiso_core::metadata::Metadata) -> Option<Code> {
    meta.org_units.iter().find(|u| u.parent.as_ref().is_some_and(|p| p.as_str() == "H_AN_PHU")).map(|u| u.code.clone())
}

/// Replaces everything stored with the demo province generated for `today`,
/// in one transaction; `progress` hears how many values were written.
pub async fn load_demo(
    store: &dyn Store,
    today: NaiveDate,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<chiso_demo::Demo, StoreError> {
    let demo = chiso_demo::generate(today);
    let total = demo.values.len() as u64;
    let mut tx = store.begin().await?;
    tx.save_metadata(&demo.metadata, MetadataMode::Replace).await?;
    tx.delete_values(&ValueFilter::default()).await?;
    let mut done = 0;
    for chunk in demo.values.chunks(5_000) {
        tx.put_values(chunk).await?;
        done += chunk.len() as u64;
        progress(done, total);
    }
    tx.put_narratives(&demo.narratives).await?;
    tx.put_submissions(&demo.submissions).await?;
    tx.save_registers(&chiso_demo::registers(today), MetadataMode::Replace).await?;
    tx.commit().await?;
    Ok(demo)
}

/// Creates the demo accounts (or resets them: role, unit, password).
/// Returns (username, full name, role, unit name) for printing.
pub async fn create_demo_accounts(store: &dyn Store) -> Result<Vec<(String, String, Role, String)>, StoreError> {
    let meta = store.load_metadata().await?;
    let commune = demo_commune(&meta);
    let hash = hash_password(DEMO_PASSWORD);
    let mut out = Vec::new();
    let mut tx = store.begin().await?;
    for d in DEMO_ACCOUNTS {
        let unit = match (d.unit, d.role) {
            (Some(u), _) => Code::new(u).ok(),
            (None, Role::Reporter) => commune.clone(),
            _ => None,
        };
        let unit_name = unit
            .as_ref()
            .and_then(|c| meta.org_units.iter().find(|u| &u.code == c))
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let account = Account {
            username: d.username.into(),
            full_name: d.full_name.into(),
            scope: Scope { role: d.role, unit, include_descendants: d.include_descendants },
            active: true,
        };
        if store.account(d.username).await?.is_some() {
            tx.update_account(&account).await?;
            tx.set_password(d.username, &hash).await?;
        } else {
            tx.create_account(&NewAccount { account, password_hash: hash.clone() }).await?;
        }
        out.push((d.username.to_string(), d.full_name.to_string(), d.role, unit_name));
    }
    tx.commit().await?;
    Ok(out)
}
