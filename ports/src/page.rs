//! Cursor pagination shared by every list call.

/// The largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u32 = 200;
/// The page size when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// Which page of a list to return: at most `limit` items after the opaque `cursor`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items to return (clamped to `1..=MAX_PAGE_SIZE`).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageRequest {
    /// The effective page size.
    pub fn limit(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
    }
}

/// One page of a list and the cursor of the next one, if there is more.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items, in creation order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says that more exist.
    pub fn from_overfetch(mut items: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> String) -> Self {
        let limit = limit as usize;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(&cursor_of)
        } else {
            None
        };
        Self { items, next_cursor }
    }

    /// Converts every item, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overfetch_row_becomes_the_cursor_of_the_last_kept_item() {
        let page = Page::from_overfetch(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor.as_deref(), Some("2"));
        let last = Page::from_overfetch(vec![1, 2], 2, |n| n.to_string());
        assert_eq!(last.next_cursor, None);
    }

    #[test]
    fn limit_is_clamped() {
        assert_eq!(PageRequest { limit: Some(0), cursor: None }.limit(), 1);
        assert_eq!(PageRequest { limit: Some(10_000), cursor: None }.limit(), MAX_PAGE_SIZE);
        assert_eq!(PageRequest::default().limit(), DEFAULT_PAGE_SIZE);
    }
}
