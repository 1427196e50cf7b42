//! What every request shares: the store, and a snapshot of the model and the
//! analytics engine kept in memory so pages never reload the data.
//!
//! Writers replace the snapshot (copy on write): a request that started
//! with the old one finishes with it, the next one sees the new figures.

use chiso_analytics::MemoryEngine;
use chiso_core::metadata::Model;
use chiso_core::value::DataValue;
use chiso_store::{Store, StoreError, ValueFilter};
use chrono::{Local, NaiveDate};
use std::sync::{Arc, RwLock};

/// The model and the engine over every stored value, as of one moment.
pub struct Snapshot {
    pub model: Arc<Model>,
    pub engine: MemoryEngine,
}

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Pretend today is this day (tests, demos on a fixed date).
    pub today: Option<NaiveDate>,
}

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Config,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Serialises snapshot updates so two writers don't lose each other's changes.
    update: tokio::sync::Mutex<()>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("siêu dữ liệu trong cơ sở dữ liệu không hợp lệ: {0}")]
    Model(#[from] chiso_core::metadata::MetadataErrors),
}

async fn load_snapshot(store: &dyn Store) -> Result<Snapshot, LoadError> {
    let model = Arc::new(Model::new(store.load_metadata().await?)?);
    let mut engine = MemoryEngine::new(model.clone());
    store.for_each_value(&ValueFilter::default(), &mut |v| engine.add(&v)).await?;
    engine.finish();
    Ok(Snapshot { model, engine })
}

impl AppState {
    pub async fn load(store: Arc<dyn Store>, config: Config) -> Result<AppState, LoadError> {
        let snapshot = load_snapshot(store.as_ref()).await?;
        Ok(AppState { store, config, snapshot: RwLock::new(Arc::new(snapshot)), update: tokio::sync::Mutex::new(()) })
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().expect("snapshot lock").clone()
    }

    pub fn model(&self) -> Arc<Model> {
        self.snapshot().model.clone()
    }

    /// Today in the province (or the configured day).
    pub fn today(&self) -> NaiveDate {
        self.config.today.unwrap_or_else(|| Local::now().date_naive())
    }

    /// Brings the engine up to date after values were committed: each value
    /// replaces its cell (an empty value clears it). Costs a copy of the
    /// engine, a few milliseconds for a province.
    pub async fn values_written(&self, values: &[DataValue]) {
        if values.is_empty() {
            return;
        }
        let _guard = self.update.lock().await;
        let current = self.snapshot();
        let mut engine = current.engine.clone();
        for v in values {
            engine.upsert(v);
        }
        *self.snapshot.write().expect("snapshot lock") = Arc::new(Snapshot { model: current.model.clone(), engine });
    }

    /// Reloads model and values from the store (after metadata changes or
    /// bulk imports).
    pub async fn reload(&self) -> Result<(), LoadError> {
        let _guard = self.update.lock().await;
        let fresh = load_snapshot(self.store.as_ref()).await?;
        *self.snapshot.write().expect("snapshot lock") = Arc::new(fresh);
        Ok(())
    }
}
