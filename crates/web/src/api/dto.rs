//! What the API sends back: plain JSON with ISO dates and canonical codes (plus Vietnamese
//! labels for display).

use serde::Serialize;
use tdkt_domain::dates::iso;
use tdkt_store::*;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    pub id: i64,
    pub code: String,
    /// Canonical kind code, e.g. `tinh`.
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub short_name: Option<String>,
    pub parent_id: Option<i64>,
    /// ISO date.
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub note: Option<String>,
    /// Demo data completing what the sources do not say.
    pub illustrative: bool,
    pub child_count: i64,
}

impl From<&UnitRow> for UnitDto {
    fn from(u: &UnitRow) -> Self {
        Self {
            id: u.id,
            code: u.code.clone(),
            kind: u.kind.code().into(),
            kind_label: u.kind.label().into(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            parent_id: u.parent_id,
            valid_from: u.valid_from.map(iso),
            valid_to: u.valid_to.map(iso),
            note: u.note.clone(),
            illustrative: u.illustrative,
            child_count: u.child_count,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitList {
    pub items: Vec<UnitDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, ToSchema)]
pub struct UnitRefDto {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl From<&UnitRef> for UnitRefDto {
    fn from(u: &UnitRef) -> Self {
        Self {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LineageDto {
    pub id: i64,
    /// `sap_nhap`, `chia_tach`, `doi_ten` or `dieu_chuyen`.
    pub kind: String,
    pub kind_label: String,
    pub date: String,
    pub from: Vec<UnitRefDto>,
    pub to: Vec<UnitRefDto>,
    pub legal_basis: Option<String>,
    pub note: Option<String>,
}

impl From<&LineageEventRow> for LineageDto {
    fn from(e: &LineageEventRow) -> Self {
        Self {
            id: e.id,
            kind: e.kind.code().into(),
            kind_label: e.kind.label().into(),
            date: iso(e.date),
            from: e.from.iter().map(UnitRefDto::from).collect(),
            to: e.to.iter().map(UnitRefDto::from).collect(),
            legal_basis: e.legal_basis.clone(),
            note: e.note.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    pub id: i64,
    pub full_name: String,
    /// `nam` or `nu`.
    pub gender: String,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is known.
    pub birth: Option<String>,
    pub cccd: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub position: Option<String>,
    pub illustrative: bool,
}

impl From<&PersonRow> for PersonDto {
    fn from(p: &PersonRow) -> Self {
        Self {
            id: p.id,
            full_name: p.full_name.clone(),
            gender: p.gender.code().into(),
            birth: p.birth.map(|b| b.iso()),
            cccd: p.cccd.clone(),
            unit_id: p.unit_id,
            unit_name: p.unit_name.clone(),
            position: p.position.clone(),
            illustrative: p.illustrative,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonDto>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, ToSchema)]
pub struct RatingDto {
    pub year: i32,
    /// `htxsnv`, `httnv`, `htnv` or `khtnv`.
    pub rating: String,
    pub rating_label: String,
}

impl From<&RatingRow> for RatingDto {
    fn from(r: &RatingRow) -> Self {
        Self {
            year: r.year,
            rating: r.rating.code().into(),
            rating_label: r.rating.label().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PositionDto {
    pub unit_id: i64,
    pub unit_name: String,
    pub position: Option<String>,
    pub start_date: String,
    pub end_date: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonDetail {
    pub person: PersonDto,
    pub positions: Vec<PositionDto>,
    pub ratings: Vec<RatingDto>,
}
