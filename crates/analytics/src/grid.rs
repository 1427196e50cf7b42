//! A grid's output forms: labelled rows (for tables), CSV and DHIS2's
//! analytics JSON (`headers`, `rows`, `metaData`), so DHIS2 scripts can read it.

use crate::engine::Grid;
use crate::query::DxItem;
use chiso_core::metadata::Model;
use chiso_core::number::{format_auto, format_number};
use serde_json::{Map, Value, json};

/// A grid cell with the names a person reads.
#[derive(Clone, Debug, PartialEq)]
pub struct GridRow {
    pub dx: String,
    pub dx_name: String,
    pub period: String,
    pub period_name: String,
    pub unit: String,
    pub unit_name: String,
    pub value: Option<f64>,
    /// Vietnamese format ("1.205.780", "92,12").
    pub value_text: String,
}

/// Decimals a figure is shown with: the indicator's own, else up to 2.
pub fn format_value(model: &Model, dx: &DxItem, value: f64) -> String {
    match dx {
        DxItem::Indicator(c) => {
            format_number(value, model.indicator(c.as_str()).map_or(2, |i| usize::from(i.decimals)))
        }
        DxItem::Element { .. } => format_auto(value, 2),
    }
}

impl Grid {
    pub fn rows(&self, model: &Model) -> Vec<GridRow> {
        let tree = model.tree();
        self.cells
            .iter()
            .map(|c| {
                let u = tree.unit(c.unit);
                GridRow {
                    dx: c.dx.id(),
                    dx_name: c.dx.name(model),
                    period: c.period.to_string(),
                    period_name: c.period.label_vi(),
                    unit: u.code.to_string(),
                    unit_name: u.name.clone(),
                    value: c.value,
                    value_text: c.value.map(|v| format_value(model, &c.dx, v)).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// CSV with codes and names; values in plain notation so spreadsheets read them.
    pub fn to_csv(&self, model: &Model) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = "writing CSV to memory cannot fail";
        w.write_record(["dx", "dx_name", "pe", "pe_name", "ou", "ou_name", "value"]).expect(io);
        for r in self.rows(model) {
            let v = r.value.map(plain_value).unwrap_or_default();
            w.write_record([&r.dx, &r.dx_name, &r.period, &r.period_name, &r.unit, &r.unit_name, &v]).expect(io);
        }
        String::from_utf8(w.into_inner().expect(io)).expect("CSV of UTF-8 strings")
    }

    /// DHIS2 analytics JSON: headers, rows of strings, metaData items and dimensions.
    pub fn to_dhis2_json(&self, model: &Model) -> Value {
        let tree = model.tree();
        let rows: Vec<Value> = self
            .cells
            .iter()
            .filter_map(|c| {
                c.value.map(|v| {
                    json!([c.dx.id(), c.period.to_string(), tree.unit(c.unit).code.to_string(), plain_value(v)])
                })
            })
            .collect();
        let mut items = Map::new();
        for d in &self.dx {
            items.insert(d.id(), json!({ "name": d.name(model) }));
        }
        for p in &self.periods {
            items.insert(p.to_string(), json!({ "name": p.label_vi() }));
        }
        for &u in &self.units {
            let unit = tree.unit(u);
            items.insert(unit.code.to_string(), json!({ "name": unit.name }));
        }
        items.insert("dx".into(), json!({ "name": "Dữ liệu" }));
        items.insert("pe".into(), json!({ "name": "Kỳ" }));
        items.insert("ou".into(), json!({ "name": "Đơn vị" }));
        let header = |name: &str, column: &str, vt: &str| json!({ "name": name, "column": column, "valueType": vt, "type": "java.lang.String", "hidden": false, "meta": name != "value" });
        json!({
            "headers": [header("dx", "Dữ liệu", "TEXT"), header("pe", "Kỳ", "TEXT"), header("ou", "Đơn vị", "TEXT"), header("value", "Giá trị", "NUMBER")],
            "metaData": {
                "items": items,
                "dimensions": {
                    "dx": self.dx.iter().map(DxItem::id).collect::<Vec<_>>(),
                    "pe": self.periods.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "ou": self.units.iter().map(|&u| tree.unit(u).code.to_string()).collect::<Vec<_>>(),
                    "co": [],
                },
            },
            "rows": rows,
            "height": self.cells.iter().filter(|c| c.value.is_some()).count(),
            "width": 4,
        })
    }
}

/// Plain notation with at most 4 decimals, trailing zeros dropped.
pub fn plain_value(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A dimension of the grid, for laying it out as a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    Dx,
    Pe,
    Ou,
}

/// A grid laid out with one dimension across: rows keyed by the other two.
#[derive(Clone, Debug, PartialEq)]
pub struct Pivot {
    /// The dimensions that label each row, in dx, pe, ou order.
    pub row_dims: Vec<Dim>,
    /// Column labels of the dimension laid across.
    pub columns: Vec<String>,
    /// Row labels then one formatted cell per column ("" when no value).
    pub rows: Vec<(Vec<String>, Vec<String>)>,
}

impl Grid {
    /// Lays the grid out with `across` as columns, as an office reads a
    /// table: units down, months across. Rows without any value are left out.
    pub fn pivot(
        &self,
        model: &Model,
        across: Dim,
        period_label: impl Fn(&chiso_core::period::Period) -> String,
    ) -> Pivot {
        let tree = model.tree();
        let row_dims: Vec<Dim> = [Dim::Dx, Dim::Pe, Dim::Ou].into_iter().filter(|d| *d != across).collect();
        let columns: Vec<String> = match across {
            Dim::Dx => self.dx.iter().map(|d| d.name(model)).collect(),
            Dim::Pe => self.periods.iter().map(&period_label).collect(),
            Dim::Ou => self.units.iter().map(|&u| tree.unit(u).name.clone()).collect(),
        };
        let col_of = |c: &crate::engine::Cell| match across {
            Dim::Dx => self.dx.iter().position(|d| *d == c.dx),
            Dim::Pe => self.periods.iter().position(|p| *p == c.period),
            Dim::Ou => self.units.iter().position(|u| *u == c.unit),
        };
        // Row keys as positions in the grid's own orders, so rows sort as the query asked.
        let key_of = |c: &crate::engine::Cell| -> Vec<usize> {
            row_dims
                .iter()
                .map(|d| match d {
                    Dim::Dx => self.dx.iter().position(|x| *x == c.dx).unwrap_or(0),
                    Dim::Pe => self.periods.iter().position(|p| *p == c.period).unwrap_or(0),
                    Dim::Ou => self.units.iter().position(|u| *u == c.unit).unwrap_or(0),
                })
                .collect()
        };
        let mut table: std::collections::BTreeMap<Vec<usize>, Vec<String>> = std::collections::BTreeMap::new();
        for c in &self.cells {
            let (Some(col), Some(v)) = (col_of(c), c.value) else { continue };
            let row = table.entry(key_of(c)).or_insert_with(|| vec![String::new(); columns.len()]);
            row[col] = format_value(model, &c.dx, v);
        }
        let rows = table
            .into_iter()
            .map(|(key, cells)| {
                let labels = row_dims
                    .iter()
                    .zip(&key)
                    .map(|(d, &i)| match d {
                        Dim::Dx => self.dx[i].name(model),
                        Dim::Pe => period_label(&self.periods[i]),
                        Dim::Ou => tree.unit(self.units[i]).name.clone(),
                    })
                    .collect();
                (labels, cells)
            })
            .collect();
        Pivot { row_dims, columns, rows }
    }
}
