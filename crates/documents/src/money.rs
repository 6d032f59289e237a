//! Amounts of money as Vietnamese documents write them: digits grouped by dots and the amount
//! in words ("bằng chữ").

/// 12636000 -> "12.636.000"; negative amounts keep their sign: -1500 -> "-1.500".
pub fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// Scale of each group of three digits, from the right: 10^0, 10^3, … 10^18.
const SCALES: [&str; 7] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"];

/// Words of a group of three digits. `full` is set for every group but the leading one, which
/// then reads its zero hundreds and "linh": 5 in "1.005.000" is "không trăm linh năm".
fn group_words(n: u64, full: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        (n / 10 % 10) as usize,
        (n % 10) as usize,
    );
    let hundreds = full || h > 0;
    if hundreds {
        out.extend([DIGITS[h], "trăm"]);
    }
    match t {
        0 if u == 0 => {}
        0 => {
            if hundreds {
                out.push("linh");
            }
            out.push(DIGITS[u]);
        }
        1 => {
            out.push("mười");
            match u {
                0 => {}
                5 => out.push("lăm"),
                _ => out.push(DIGITS[u]),
            }
        }
        _ => {
            out.extend([DIGITS[t], "mươi"]);
            match u {
                0 => {}
                1 => out.push("mốt"),
                4 => out.push("tư"),
                5 => out.push("lăm"),
                _ => out.push(DIGITS[u]),
            }
        }
    }
}

/// The amount in words, with "đồng" and the first letter upper-case, as written after
/// "Bằng chữ:": 12636000 -> "Mười hai triệu sáu trăm ba mươi sáu nghìn đồng",
/// 1005000 -> "Một triệu không trăm linh năm nghìn đồng", 0 -> "Không đồng". Groups that are
/// all zeros are not read (1000000 -> "Một triệu đồng"); negative amounts start with "Âm".
pub fn vnd_words(amount: i64) -> String {
    let mut n = amount.unsigned_abs();
    let mut groups = Vec::new();
    while n > 0 {
        groups.push(n % 1000);
        n /= 1000;
    }
    let mut words: Vec<&'static str> = Vec::new();
    if amount < 0 {
        words.push("âm");
    }
    if groups.is_empty() {
        words.push("không");
    }
    for (k, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        group_words(g, k + 1 != groups.len(), &mut words);
        if !SCALES[k].is_empty() {
            words.push(SCALES[k]);
        }
    }
    words.push("đồng");
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}
