//! Changing the registers from the web, shared by pages and API: every edit
//! (a project, a disbursement, a system, a dossier step, an index, an
//! assessor's score) loads the stored registers, applies the change, checks
//! the whole against the model, and stores only the objects it touched in
//! one audited transaction. Other objects are never rewritten, so two people
//! editing two different objects do not overwrite each other.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use chiso_core::register::Registers;
use chiso_store::MetadataMode;

/// What an edit does to the stored registers.
pub struct Change {
    /// The objects to create or replace (by their code).
    pub save: Registers,
    /// The objects to delete (by their code; bodies ignored).
    pub delete: Registers,
    /// Where the edited objects are, as register errors name them
    /// ([`place`]): problems there refuse the edit.
    pub places: Vec<String>,
}

impl Change {
    /// Saves `save`, whose objects are at `places`.
    pub fn save(save: Registers, places: Vec<String>) -> Change {
        Change { save, delete: Registers::default(), places }
    }
    pub fn delete(delete: Registers) -> Change {
        Change { save: Registers::default(), delete, places: Vec::new() }
    }
}

/// Loads the registers, lets `edit` change them in place and say what it
/// changed, checks the result against the model (only problems at the
/// change's places are the user's: "projects[DA_01]" holds its fields and
/// list items too), and stores the change as the user. Answers the
/// registers after the change.
///
/// `edit` returns `Err` to refuse (not found, not allowed, bad input): then
/// nothing is written.
pub async fn apply<F>(state: &AppState, user: &CurrentUser, edit: F) -> Result<Registers, AppError>
where
    F: FnOnce(&mut Registers) -> Result<Change, AppError>,
{
    let model = state.model();
    let mut reg = state.store.load_registers().await?;
    let change = edit(&mut reg)?;
    check(&reg, &model, &change.places)?;
    let mut tx = state.store.begin_as(&user.actor()).await?;
    tx.delete_registers(&change.delete).await?;
    tx.save_registers(&change.save, MetadataMode::Merge).await?;
    tx.commit().await?;
    Ok(reg)
}

/// The problems of `reg` at `places` (or inside them), as one message.
pub fn check(reg: &Registers, model: &chiso_core::metadata::Model, places: &[String]) -> Result<(), AppError> {
    let Err(errs) = reg.validate(model) else { return Ok(()) };
    let mine: Vec<String> = errs
        .0
        .iter()
        .filter(|e| places.iter().any(|p| within(&e.place, p)))
        .map(|e| format!("{}: {}", e.place, e.message))
        .collect();
    if mine.is_empty() {
        // Problems elsewhere were there before this edit (a unit removed from the
        // metadata, say): they are not this user's to fix here.
        Ok(())
    } else {
        Err(AppError::BadRequest(format!("Dữ liệu chưa hợp lệ: {}.", mine.join("; "))))
    }
}

/// Whether a problem's place is `prefix` or inside it ("projects[DA_01]"
/// holds "projects[DA_01].funding[1].amount" but not "projects[DA_011]").
pub fn within(place: &str, prefix: &str) -> bool {
    place == prefix || place.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The place of the object with `code` in list `list`, as register errors
/// name it ("projects[DA_01]").
pub fn place(list: &str, code: impl std::fmt::Display) -> String {
    format!("{list}[{code}]")
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn a_place_holds_its_fields_and_items_but_not_a_longer_code() {
        assert!(within("projects[DA_01]", "projects[DA_01]"));
        assert!(within("projects[DA_01].funding[1].amount", "projects[DA_01]"));
        assert!(!within("projects[DA_011]", "projects[DA_01"));
        assert!(!within("projects[DA_011].name", "projects[DA_01]"));
        assert!(!within("tasks[DA_01]", "projects[DA_01]"));
    }
}
