//! Who leads a cluster next year: the next unit in the rotation order after this year's
//! leader, skipping units that led within the last `cooldown` years (a setting of the cluster).

/// `order` is the rotation order; `history` holds (year, leader) of past years. Returns the
/// proposed leader for `year`, or `None` if every unit led recently.
pub fn propose_leader(
    order: &[i64],
    history: &[(i32, i64)],
    year: i32,
    cooldown: i32,
) -> Option<i64> {
    if order.is_empty() {
        return None;
    }
    let last = history
        .iter()
        .filter(|(y, _)| *y < year)
        .max_by_key(|(y, _)| *y);
    let start = match last {
        Some((_, unit)) => order
            .iter()
            .position(|u| u == unit)
            .map(|i| i + 1)
            .unwrap_or(0),
        None => 0,
    };
    let led_recently = |u: i64| {
        history
            .iter()
            .any(|(y, l)| *l == u && *y < year && *y >= year - cooldown)
    };
    (0..order.len())
        .map(|i| order[(start + i) % order.len()])
        .find(|u| !led_recently(*u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_in_order_skipping_recent_leaders() {
        let order = [1, 2, 3, 4];
        assert_eq!(propose_leader(&order, &[], 2021, 3), Some(1));
        assert_eq!(propose_leader(&order, &[(2020, 1)], 2021, 3), Some(2));
        // 2 led in 2019: skipped, 3 is next.
        assert_eq!(
            propose_leader(&order, &[(2019, 2), (2020, 1)], 2021, 3),
            Some(3)
        );
        // After the last in order comes the first again.
        assert_eq!(
            propose_leader(&order, &[(2017, 1), (2020, 4)], 2021, 3),
            Some(1)
        );
        // A cooldown of 0 only follows the order.
        assert_eq!(
            propose_leader(&order, &[(2019, 2), (2020, 1)], 2021, 0),
            Some(2)
        );
        assert_eq!(
            propose_leader(
                &order,
                &[(2018, 1), (2019, 2), (2020, 3), (2020, 4)],
                2021,
                5
            ),
            None
        );
        // A leader no longer in the order starts the rotation from the top.
        assert_eq!(propose_leader(&order, &[(2020, 9)], 2021, 1), Some(1));
    }
}
