//! Use cases on units: the tree, a unit's page, changes and lineage.

use serde::Deserialize;
use tdkt_domain::access::{Action, unscoped};
use tdkt_domain::dates::parse_iso;
use tdkt_domain::unit::{LineageKind, UnitCode, UnitKind, parse_unit_name};
use tdkt_store::*;
use time::Date;

use crate::{App, AppError, AppResult, Principal, today};

/// A unit as typed in a form or sent to the API; parsed here.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UnitInput {
    /// ASCII code, e.g. `gia_lai`.
    pub code: String,
    /// One of the unit kinds, e.g. `tinh`, `xa`, `so_nganh`.
    pub kind: String,
    pub name: String,
    pub short_name: Option<String>,
    pub parent_id: Option<i64>,
    /// ISO date.
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub note: Option<String>,
}

/// Changes to a unit; fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UnitPatch {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub parent_id: Option<i64>,
    pub valid_to: Option<String>,
    pub note: Option<String>,
    /// When a change of name, kind or parent takes effect (ISO date; default today).
    pub effective: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct LineageInput {
    /// `sap_nhap`, `chia_tach`, `doi_ten` or `dieu_chuyen`.
    pub kind: String,
    /// ISO date the change took effect.
    pub date: String,
    pub from: Vec<i64>,
    pub to: Vec<i64>,
    pub legal_basis: Option<String>,
    pub note: Option<String>,
}

fn opt_text(s: Option<String>) -> Option<String> {
    s.map(|s| tdkt_domain::text::tidy(&s))
        .filter(|s| !s.is_empty())
}

fn opt_date(field: &str, s: Option<&str>) -> AppResult<Option<Date>> {
    Ok(match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(parse_iso(field, s)?),
        None => None,
    })
}

/// Checks that a validity range is not backwards.
fn check_range(from: Option<Date>, to: Option<Date>) -> AppResult<()> {
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(tdkt_domain::Invalid::new(
            "hieu_luc_den",
            "Ngày hết hiệu lực trước ngày bắt đầu",
        )
        .into());
    }
    Ok(())
}

pub(crate) fn parse_unit(input: UnitInput) -> AppResult<NewUnit> {
    let valid_from = opt_date("hieu_luc_tu", input.valid_from.as_deref())?;
    let valid_to = opt_date("hieu_luc_den", input.valid_to.as_deref())?;
    check_range(valid_from, valid_to)?;
    Ok(NewUnit {
        code: UnitCode::parse(&input.code)?.as_str().to_string(),
        kind: UnitKind::parse("loai", &input.kind)?,
        name: parse_unit_name("ten", &input.name)?,
        short_name: opt_text(input.short_name),
        parent_id: input.parent_id,
        valid_from,
        valid_to,
        note: opt_text(input.note),
        illustrative: false,
    })
}

/// Everything the unit page shows.
#[derive(Debug, Clone)]
pub struct UnitView {
    pub unit: UnitRow,
    pub ancestors: Vec<UnitRef>,
    pub children: Page<UnitRow>,
    pub lineage: Vec<LineageEventRow>,
    pub history: Vec<UnitVersionRow>,
    pub clusters: Vec<UnitClusterRow>,
    /// People of the unit's subtree, when the caller may see them.
    pub people: Option<Page<PersonRow>>,
    /// Collective verdicts today, when the caller may see the members they count.
    pub verdicts: Vec<tdkt_domain::eligibility::Verdict>,
    /// The collective's own yearly ratings.
    pub ratings: Vec<UnitRatingRow>,
    /// May record the unit's ratings (UnitWrite).
    pub may_write_unit: bool,
    /// May import its staff's history (PersonWrite).
    pub may_write_people: bool,
}

/// The root every tree hangs from: the nation.
pub const ROOT_CODE: &str = "vn";

impl App {
    /// Creates the root unit "Việt Nam" in an empty database, so that a fresh install can
    /// grant its first administrator on it.
    /// True when the database holds more than the root every start creates (the demo needs an
    /// empty one).
    pub async fn has_data(&self) -> AppResult<bool> {
        Ok(self.store.list_units(&UnitFilter::default()).await?.total > 1)
    }

    pub async fn ensure_root(&self) -> AppResult<UnitRow> {
        match self.store.unit_by_code(ROOT_CODE).await {
            Ok(u) => Ok(u),
            Err(tdkt_store::StoreError::NotFound(_)) => Ok(self
                .store
                .create_unit(
                    &Actor::system("init"),
                    NewUnit {
                        code: ROOT_CODE.into(),
                        kind: UnitKind::Nation,
                        name: "Việt Nam".into(),
                        short_name: None,
                        parent_id: None,
                        valid_from: None,
                        valid_to: None,
                        note: None,
                        illustrative: false,
                    },
                )
                .await?),
            Err(e) => Err(e.into()),
        }
    }

    fn require_unscoped(&self, p: &Principal, action: Action) -> AppResult<()> {
        if unscoped(&p.grants, action) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    pub async fn create_unit(&self, p: &Principal, input: UnitInput) -> AppResult<UnitRow> {
        let new = parse_unit(input)?;
        let Some(parent) = new.parent_id else {
            return Err(AppError::Forbidden(
                "Đơn vị gốc chỉ được tạo bằng lệnh quản trị; hãy chọn đơn vị cấp trên".into(),
            ));
        };
        self.store.unit(parent).await.map_err(|_| {
            tdkt_domain::Invalid::new("don_vi_cap_tren", "Đơn vị cấp trên không tồn tại")
        })?;
        self.authorize(p, Action::UnitWrite, parent).await?;
        Ok(self.store.create_unit(&p.actor(), new).await?)
    }

    pub async fn update_unit(
        &self,
        p: &Principal,
        id: i64,
        patch: UnitPatch,
    ) -> AppResult<UnitRow> {
        let cur = self.store.unit(id).await?;
        self.authorize(p, Action::UnitWrite, id).await?;
        let parent_id = patch.parent_id.or(cur.parent_id);
        if parent_id != cur.parent_id {
            let new_parent = parent_id.expect("changed to some parent");
            self.store.unit(new_parent).await.map_err(|_| {
                tdkt_domain::Invalid::new("don_vi_cap_tren", "Đơn vị cấp trên không tồn tại")
            })?;
            self.authorize(p, Action::UnitWrite, new_parent).await?;
        }
        let valid_to = match patch.valid_to.as_deref() {
            Some(s) => opt_date("hieu_luc_den", Some(s))?,
            None => cur.valid_to,
        };
        check_range(cur.valid_from, valid_to)?;
        let changes = UnitChanges {
            kind: match patch.kind.as_deref() {
                Some(k) => UnitKind::parse("loai", k)?,
                None => cur.kind,
            },
            name: match patch.name.as_deref() {
                Some(n) => parse_unit_name("ten", n)?,
                None => cur.name.clone(),
            },
            short_name: match patch.short_name {
                Some(s) => opt_text(Some(s)),
                None => cur.short_name.clone(),
            },
            parent_id,
            valid_to,
            note: match patch.note {
                Some(s) => opt_text(Some(s)),
                None => cur.note.clone(),
            },
            effective: opt_date("ngay_hieu_luc", patch.effective.as_deref())?.unwrap_or_else(today),
        };
        Ok(self.store.update_unit(&p.actor(), id, changes).await?)
    }

    pub async fn unit(&self, p: &Principal, id: i64) -> AppResult<UnitRow> {
        let u = self.store.unit(id).await?;
        self.authorize(p, Action::UnitRead, id).await?;
        Ok(u)
    }

    pub async fn unit_by_code(&self, p: &Principal, code: &str) -> AppResult<UnitRow> {
        let u = self.store.unit_by_code(code).await?;
        self.authorize(p, Action::UnitRead, u.id).await?;
        Ok(u)
    }

    pub async fn list_units(&self, p: &Principal, filter: &UnitFilter) -> AppResult<Page<UnitRow>> {
        self.require_unscoped(p, Action::UnitRead)?;
        Ok(self.store.list_units(filter).await?)
    }

    pub async fn unit_view(
        &self,
        p: &Principal,
        id: i64,
        people_paging: Paging,
    ) -> AppResult<UnitView> {
        let unit = self.unit(p, id).await?;
        let ancestors = self.store.unit_ancestors(id).await?;
        // The people list is scoped in the query: the caller sees only those under units their
        // grants reach, which may be all, some (a grant deeper in the tree) or none.
        let people = if self.may_read_people_somewhere(p) {
            Some(self.search_people(p, None, Some(id), people_paging).await?)
        } else {
            None
        };
        let verdicts = self
            .unit_eligibility(p, id, today())
            .await
            .unwrap_or_default();
        let ids: Vec<i64> = ancestors.iter().map(|u| u.id).collect();
        let may = |a| tdkt_domain::access::permits(&p.grants, a, id, &ids);
        Ok(UnitView {
            verdicts,
            ratings: self.store.unit_ratings(id).await?,
            may_write_unit: may(Action::UnitWrite),
            may_write_people: may(Action::PersonWrite),
            children: self
                .store
                .list_units(&UnitFilter {
                    parent: Some(Some(id)),
                    paging: Paging::new(None, Some(200)),
                    ..Default::default()
                })
                .await?,
            lineage: self.store.unit_lineage(id).await?,
            history: self.store.unit_history(id).await?,
            clusters: self.store.unit_clusters(id).await?,
            unit,
            ancestors,
            people,
        })
    }

    pub async fn unit_lineage(&self, p: &Principal, id: i64) -> AppResult<Vec<LineageEventRow>> {
        self.unit(p, id).await?;
        Ok(self.store.unit_lineage(id).await?)
    }

    pub async fn create_lineage(
        &self,
        p: &Principal,
        input: LineageInput,
    ) -> AppResult<LineageEventRow> {
        let kind = LineageKind::parse("loai", &input.kind)?;
        let date = parse_iso("ngay", &input.date)?;
        kind.check_sides(input.from.len(), input.to.len())?;
        for id in input.from.iter().chain(&input.to) {
            self.store.unit(*id).await?;
            self.authorize(p, Action::LineageWrite, *id).await?;
        }
        Ok(self
            .store
            .create_lineage_event(
                &p.actor(),
                NewLineageEvent {
                    kind,
                    date,
                    from: input.from,
                    to: input.to,
                    legal_basis: opt_text(input.legal_basis),
                    note: opt_text(input.note),
                },
            )
            .await?)
    }
}
