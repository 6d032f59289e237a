//! The register of awards: search by folded name, award, year and unit.

use async_trait::async_trait;
use sqlx::FromRow;
use sqlx::QueryBuilder;
use tdkt_store::*;

use super::{Backend, Db, Dialect, db_err};

#[async_trait]
impl RegisterStore for Backend {
    async fn search_register(&self, f: &RegisterFilter) -> StoreResult<Vec<RegisterRow>> {
        let pool = self.reader();
        let mut q = QueryBuilder::<Db>::new(
            "SELECT r.id, r.person_id, r.unit_id, COALESCE(r.subject_name, p.full_name, cu.name, '') AS subject_name,
                    COALESCE(pu.name, cu.name, '') AS unit_name, r.code, r.award_date, r.decision, r.amount, r.cert_key,
                    r.revoked_on, r.revoked_reason, n.dossier_id, r.movement_id, mv.name AS movement_name
             FROM award_records r
             LEFT JOIN movements mv ON mv.id = r.movement_id
             LEFT JOIN people p ON p.id = r.person_id LEFT JOIN units pu ON pu.id = p.unit_id
             LEFT JOIN units cu ON cu.id = r.unit_id
             LEFT JOIN dossier_nominees n ON n.id = r.nominee_id
             WHERE 1 = 1",
        );
        if let Some(k) = f.name_key.as_deref().filter(|k| !k.is_empty()) {
            let words: Vec<&str> = k.split(' ').filter(|w| !w.is_empty()).collect();
            Backend::push_register_match(&mut q, &words);
        }
        if let Some(c) = &f.code {
            q.push(" AND r.code = ").push_bind(c.clone());
        }
        if let Some(y) = f.year {
            q.push(" AND r.award_date >= ")
                .push_bind(tdkt_domain::dates::ymd(y, 1, 1))
                .push(" AND r.award_date <= ")
                .push_bind(tdkt_domain::dates::ymd(y, 12, 31));
        }
        if let Some(id) = f.person_id {
            q.push(" AND r.person_id = ").push_bind(id);
        }
        if let Some(id) = f.unit_id {
            q.push(" AND r.unit_id = ").push_bind(id);
        }
        if let Some(id) = f.decision_id {
            q.push(" AND r.decision_id = ").push_bind(id);
        }
        if let Some(k) = &f.cert_key {
            q.push(" AND r.cert_key = ").push_bind(k.clone());
        }
        if let Some(root) = f.unit_root {
            q.push(" AND COALESCE(pu.tree_path, cu.tree_path) LIKE (SELECT tree_path FROM units WHERE id = ")
                .push_bind(root)
                .push(") || '%'");
        }
        if let Some(scope) = &f.scope_roots {
            if scope.is_empty() {
                q.push(" AND 1 = 0");
            } else {
                q.push(" AND EXISTS (SELECT 1 FROM units s WHERE s.id IN (");
                let mut sep = q.separated(", ");
                for id in scope {
                    sep.push_bind(*id);
                }
                q.push(") AND COALESCE(pu.tree_path, cu.tree_path) LIKE s.tree_path || '%')");
            }
        }
        q.push(" ORDER BY r.award_date DESC, r.id DESC LIMIT ")
            .push_bind(f.limit.clamp(1, 100_000));
        let rows = q.build().fetch_all(pool).await.map_err(db_err)?;
        rows.iter()
            .map(|r| RegisterRow::from_row(r).map_err(db_err))
            .collect()
    }
}
