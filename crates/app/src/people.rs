//! Use cases on people: the master record, positions and yearly task ratings.

use serde::Deserialize;
use tdkt_domain::access::{Action, scope_roots, unscoped};
use tdkt_domain::dates::parse_iso;
use tdkt_domain::person::{Birth, Cccd, FullName, Gender, TaskRating, parse_year};
use tdkt_store::*;

use crate::{App, AppError, AppResult, Principal, today};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RatingInput {
    pub year: i32,
    /// `htxsnv`, `httnv`, `htnv` or `khtnv`.
    pub rating: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    pub full_name: String,
    /// `nam` or `nu`.
    pub gender: String,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is known.
    pub birth: Option<String>,
    /// 12 digits.
    pub cccd: Option<String>,
    pub unit_id: i64,
    pub position: Option<String>,
    /// ISO date the current position started (default today).
    pub position_since: Option<String>,
    #[serde(default)]
    pub ratings: Vec<RatingInput>,
}

/// Changes to a person; fields left out stay as they are. An empty `cccd` or `birth` clears it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PersonPatch {
    pub full_name: Option<String>,
    pub gender: Option<String>,
    pub birth: Option<String>,
    pub cccd: Option<String>,
    pub unit_id: Option<i64>,
    pub position: Option<String>,
    /// When a new unit or position starts (ISO date; default today).
    pub position_since: Option<String>,
    #[serde(default)]
    pub ratings: Vec<RatingInput>,
}

fn parse_birth(s: Option<&str>) -> AppResult<Option<Birth>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(Birth::parse(s, today())?)),
        None => Ok(None),
    }
}

fn parse_cccd(s: Option<&str>, gender: Gender, birth: Option<Birth>) -> AppResult<Option<String>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let c = Cccd::parse(s)?;
            c.check_against(gender, birth)?;
            Ok(Some(c.as_str().to_string()))
        }
        None => Ok(None),
    }
}

pub(crate) fn parse_ratings(input: &[RatingInput]) -> AppResult<Vec<RatingRow>> {
    let mut out: Vec<RatingRow> = Vec::with_capacity(input.len());
    for (i, r) in input.iter().enumerate() {
        let field = format!("xep_loai[{i}]");
        let year = parse_year(&field, r.year, today())?;
        if out.iter().any(|o| o.year == year) {
            return Err(tdkt_domain::Invalid::new(
                field,
                format!("Năm {year} được xếp loại hai lần"),
            )
            .into());
        }
        out.push(RatingRow {
            year,
            rating: TaskRating::parse(&field, &r.rating)?,
        });
    }
    Ok(out)
}

fn position_text(s: Option<String>) -> Option<String> {
    s.map(|s| tdkt_domain::text::tidy(&s))
        .filter(|s| !s.is_empty())
}

/// Everything the person page shows.
#[derive(Debug, Clone)]
pub struct PersonView {
    pub person: PersonRow,
    pub unit_path: Vec<UnitRef>,
    pub positions: Vec<PositionRow>,
    pub ratings: Vec<RatingRow>,
    pub titles: Vec<TitleRow>,
    pub awards: Vec<AwardRecordRow>,
    pub initiatives: Vec<InitiativeRow>,
    /// The engine's verdicts today for the awards that matter to a person.
    pub verdicts: Vec<tdkt_domain::eligibility::Verdict>,
    pub may_edit: bool,
}

impl App {
    pub(crate) fn may_read_people_somewhere(&self, p: &Principal) -> bool {
        unscoped(&p.grants, Action::PersonRead)
            || !scope_roots(&p.grants, Action::PersonRead).is_empty()
    }

    pub async fn create_person(&self, p: &Principal, input: PersonInput) -> AppResult<PersonRow> {
        // Parse everything before writing anything.
        let full_name = FullName::parse(&input.full_name)?;
        let gender = Gender::parse("gioi_tinh", &input.gender)?;
        let birth = parse_birth(input.birth.as_deref())?;
        let cccd = parse_cccd(input.cccd.as_deref(), gender, birth)?;
        let position_since = match input
            .position_since
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => parse_iso("ngay_nhan_chuc_vu", s)?,
            None => today(),
        };
        let ratings = parse_ratings(&input.ratings)?;
        self.store
            .unit(input.unit_id)
            .await
            .map_err(|_| tdkt_domain::Invalid::new("don_vi", "Đơn vị không tồn tại"))?;
        self.authorize(p, Action::PersonWrite, input.unit_id)
            .await?;
        let person = self
            .store
            .create_person(
                &p.actor(),
                NewPerson {
                    full_name: full_name.as_str().to_string(),
                    gender,
                    birth,
                    cccd,
                    unit_id: input.unit_id,
                    position: position_text(input.position),
                    position_since,
                    illustrative: false,
                    ratings,
                },
            )
            .await?;
        Ok(person)
    }

    pub async fn update_person(
        &self,
        p: &Principal,
        id: i64,
        patch: PersonPatch,
    ) -> AppResult<PersonRow> {
        let cur = self.store.person(id).await?;
        self.authorize(p, Action::PersonWrite, cur.unit_id).await?;
        let unit_id = patch.unit_id.unwrap_or(cur.unit_id);
        if unit_id != cur.unit_id {
            self.store
                .unit(unit_id)
                .await
                .map_err(|_| tdkt_domain::Invalid::new("don_vi", "Đơn vị không tồn tại"))?;
            self.authorize(p, Action::PersonWrite, unit_id).await?;
        }
        let full_name = match patch.full_name.as_deref() {
            Some(n) => FullName::parse(n)?.as_str().to_string(),
            None => cur.full_name.clone(),
        };
        let gender = match patch.gender.as_deref() {
            Some(g) => Gender::parse("gioi_tinh", g)?,
            None => cur.gender,
        };
        let birth = match patch.birth.as_deref() {
            Some(b) => parse_birth(Some(b))?,
            None => cur.birth,
        };
        let cccd = match patch.cccd.as_deref() {
            Some(c) => parse_cccd(Some(c), gender, birth)?,
            None => match &cur.cccd {
                Some(c) => parse_cccd(Some(c), gender, birth)?,
                None => None,
            },
        };
        let position_since = match patch
            .position_since
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            Some(s) => parse_iso("ngay_nhan_chuc_vu", s)?,
            None => today(),
        };
        let ratings = parse_ratings(&patch.ratings)?;
        let updated = self
            .store
            .update_person(
                &p.actor(),
                id,
                PersonChanges {
                    full_name,
                    gender,
                    birth,
                    cccd,
                    unit_id,
                    position: match patch.position {
                        Some(s) => position_text(Some(s)),
                        None => cur.position.clone(),
                    },
                    position_since,
                    ratings,
                },
            )
            .await?;
        Ok(updated)
    }

    pub async fn person(&self, p: &Principal, id: i64) -> AppResult<PersonRow> {
        let person = self.store.person(id).await?;
        self.authorize(p, Action::PersonRead, person.unit_id)
            .await?;
        Ok(person)
    }

    pub async fn person_view(&self, p: &Principal, id: i64) -> AppResult<PersonView> {
        let person = self.person(p, id).await?;
        let mut unit_path = self.store.unit_ancestors(person.unit_id).await?;
        unit_path.reverse();
        let ids: Vec<i64> = unit_path.iter().map(|u| u.id).collect();
        Ok(PersonView {
            may_edit: tdkt_domain::access::permits(
                &p.grants,
                Action::PersonWrite,
                person.unit_id,
                &ids,
            ),
            positions: self.store.person_positions(id).await?,
            ratings: self.store.person_ratings(id).await?,
            titles: self.store.person_titles(id).await?,
            awards: self.store.person_award_records(id).await?,
            initiatives: self.store.person_initiatives(id).await?,
            verdicts: self
                .person_eligibility(p, id, today())
                .await
                .unwrap_or_default(),
            unit_path,
            person,
        })
    }

    /// Name search (with or without diacritics) among the people the caller may see.
    pub async fn search_people(
        &self,
        p: &Principal,
        q: Option<&str>,
        under_unit: Option<i64>,
        paging: Paging,
    ) -> AppResult<Page<PersonRow>> {
        if !self.may_read_people_somewhere(p) {
            return Err(AppError::forbidden());
        }
        let scope = if unscoped(&p.grants, Action::PersonRead) {
            None
        } else {
            Some(scope_roots(&p.grants, Action::PersonRead))
        };
        Ok(self
            .store
            .search_people(&PersonFilter {
                q: q.map(str::to_string),
                under_unit,
                scope,
                paging,
            })
            .await?)
    }

    pub async fn put_ratings(
        &self,
        p: &Principal,
        id: i64,
        input: &[RatingInput],
    ) -> AppResult<Vec<RatingRow>> {
        let person = self.store.person(id).await?;
        self.authorize(p, Action::PersonWrite, person.unit_id)
            .await?;
        let ratings = parse_ratings(input)?;
        Ok(self.store.put_ratings(&p.actor(), id, &ratings).await?)
    }
}
