//! Paging of lists.

use serde::Serialize;

/// One page of a list, with the total count for paging.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Paging asked for: 1-based page, 1..=200 per page.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, 200),
        }
    }

    pub fn offset(self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self::new(None, None)
    }
}
