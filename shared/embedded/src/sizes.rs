//! How big a work order's stored row is, measured the way DynamoDB sizes an item (column names
//! plus values), so one budget (`mendwork_domain::stored::MAX_ITEM_BYTES`) is checked alike on
//! both stores.

use crate::db::Ctx;
use crate::store::SqliteStore;
use mendwork_app::ports::StoreError;
use mendwork_domain::WorkOrderId;
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;

impl SqliteStore {
    /// The bytes of `id`'s row in `work_orders`: every column's name plus its value (text and
    /// blobs by their bytes, numbers as 8, nulls as nothing). `None` when there is no such row.
    pub fn row_bytes(&self, id: &WorkOrderId) -> Result<Option<usize>, StoreError> {
        let conn = self.db().conn();
        let mut stmt = conn
            .prepare("SELECT * FROM work_orders WHERE id = ?1")
            .ctx("preparing the row-size read")?;
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        stmt.query_row([id.as_str()], |r| {
            let mut total = 0;
            for (i, name) in names.iter().enumerate() {
                let value = match r.get_ref(i)? {
                    ValueRef::Null => 0,
                    ValueRef::Integer(_) | ValueRef::Real(_) => 8,
                    ValueRef::Text(t) | ValueRef::Blob(t) => t.len(),
                };
                total += if value == 0 { 0 } else { name.len() + value };
            }
            Ok(total)
        })
        .optional()
        .with_ctx(|| format!("reading the row size of {id}"))
    }
}
