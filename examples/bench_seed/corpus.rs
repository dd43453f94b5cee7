//! Made-up but realistic content for the benchmark: a mix of kinds, ~3 KB Markdown bodies
//! in Dutch, tags with a skewed distribution, attachments. Deterministic per item number, so
//! two runs seed the same data.

use std::fmt::Write;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

/// Tags; the first five are each on about a fifth of the items (the filtered-list case
/// uses the first), the others are rarer.
pub const TAGS: [&str; 24] = [
    "onderwijs",
    "innovatie",
    "leraren",
    "samenwerking",
    "toekomst",
    "digitalisering",
    "burgerschap",
    "inclusie",
    "techniek",
    "zorg",
    "duurzaamheid",
    "mbo",
    "hbo",
    "po",
    "vo",
    "onderzoek",
    "regio",
    "beleid",
    "talent",
    "leven-lang-leren",
    "arbeidsmarkt",
    "gelijke-kansen",
    "kunst",
    "sport",
];

/// Words each body draws two or three of, so a search for one finds about 1–2 % of items.
pub const TOPICS: [&str; 120] = [
    "robotica",
    "kunstmatige",
    "waterbeheer",
    "energietransitie",
    "voedselketen",
    "biotechnologie",
    "scheepsbouw",
    "luchtvaart",
    "logistiek",
    "bouwplaats",
    "zorgrobot",
    "ziekenhuis",
    "kinderopvang",
    "bibliotheek",
    "museum",
    "theater",
    "orkest",
    "voetbal",
    "zwembad",
    "tuinbouw",
    "veeteelt",
    "visserij",
    "bosbouw",
    "mijnbouw",
    "staalindustrie",
    "chemie",
    "farmacie",
    "optica",
    "fotonica",
    "halfgeleider",
    "chipfabriek",
    "datacenter",
    "cybersecurity",
    "blockchain",
    "quantum",
    "ruimtevaart",
    "satelliet",
    "windpark",
    "zonnepaneel",
    "warmtepomp",
    "waterstof",
    "batterij",
    "laadpaal",
    "fietspad",
    "spoorweg",
    "haven",
    "dijkversterking",
    "stikstof",
    "biodiversiteit",
    "kringloop",
    "hergebruik",
    "textiel",
    "mode",
    "design",
    "architectuur",
    "stedenbouw",
    "woningbouw",
    "renovatie",
    "isolatie",
    "installatie",
    "elektrotechniek",
    "mechatronica",
    "automatisering",
    "programmeren",
    "gameontwikkeling",
    "animatie",
    "journalistiek",
    "fotografie",
    "podcast",
    "muziekles",
    "dansschool",
    "schaakclub",
    "debatteren",
    "filosofie",
    "geschiedenis",
    "aardrijkskunde",
    "wiskunde",
    "natuurkunde",
    "scheikunde",
    "biologie",
    "economie",
    "rechtspraak",
    "politiek",
    "gemeenteraad",
    "provincie",
    "waterschap",
    "brandweer",
    "politie",
    "defensie",
    "diplomatie",
    "vluchtelingen",
    "taalles",
    "laaggeletterdheid",
    "rekenvaardigheid",
    "dyslexie",
    "hoogbegaafdheid",
    "schoolverzuim",
    "mentoraat",
    "stage",
    "leerbedrijf",
    "werkplaats",
    "praktijkroute",
    "keuzedeel",
    "examinering",
    "toetsing",
    "portfolio",
    "feedback",
    "coaching",
    "intervisie",
    "schoolleider",
    "bestuurder",
    "toezicht",
    "inspectie",
    "accreditatie",
    "subsidie",
    "begroting",
    "huisvesting",
    "schoolplein",
    "kantine",
    "gymzaal",
];

const WORDS: [&str; 96] = [
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "met",
    "voor",
    "door",
    "naar",
    "bij",
    "over",
    "tussen",
    "samen",
    "school",
    "scholen",
    "leerling",
    "leerlingen",
    "student",
    "studenten",
    "docent",
    "docenten",
    "leraar",
    "leraren",
    "ouders",
    "bedrijf",
    "bedrijven",
    "regio",
    "gemeente",
    "wijk",
    "stad",
    "dorp",
    "project",
    "projecten",
    "plan",
    "aanpak",
    "ervaring",
    "praktijk",
    "onderzoek",
    "kennis",
    "vaardigheden",
    "talent",
    "toekomst",
    "vandaag",
    "morgen",
    "nieuw",
    "nieuwe",
    "goed",
    "beter",
    "samenwerking",
    "verbinding",
    "kans",
    "kansen",
    "leren",
    "ontwikkelen",
    "bouwen",
    "maken",
    "delen",
    "vinden",
    "werken",
    "helpen",
    "groeien",
    "starten",
    "netwerk",
    "alliantie",
    "partners",
    "mensen",
    "jongeren",
    "volwassenen",
    "werkgevers",
    "opleiding",
    "opleidingen",
    "curriculum",
    "lesprogramma",
    "klas",
    "lokaal",
    "gebouw",
    "ruimte",
    "tijd",
    "jaar",
    "week",
    "dag",
    "resultaat",
    "resultaten",
    "doel",
    "doelen",
    "visie",
    "missie",
    "waarde",
    "waarden",
    "eerlijk",
    "open",
    "sterk",
    "klein",
    "groot",
];

const CITIES: [&str; 10] = [
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Zwolle",
    "Tilburg",
    "Leeuwarden",
    "Maastricht",
    "Enschede",
];

/// One item to seed: its kind and the document a create request would carry.
pub struct Item {
    pub kind: &'static str,
    pub doc: Value,
}

fn sentence(rng: &mut StdRng, topic: &str) -> String {
    let n = rng.gen_range(8..18);
    let mut words: Vec<&str> = (0..n)
        .map(|_| WORDS.choose(rng).copied().unwrap_or("school"))
        .collect();
    if rng.gen_bool(0.3) {
        let at = rng.gen_range(0..words.len());
        words.insert(at, topic);
    }
    let mut s = words.join(" ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s.push('.');
    s
}

/// About 3 KB of Markdown: headings, paragraphs, a list, emphasis and links.
fn body(rng: &mut StdRng, topics: &[&str]) -> String {
    let mut out = String::with_capacity(3300);
    let mut section = 0;
    while out.len() < 2900 {
        let topic = topics[section % topics.len()];
        let _ = write!(out, "## {} en {}\n\n", cap(topic), WORDS[section * 7 % 96]);
        for _ in 0..rng.gen_range(2..4) {
            let para: Vec<String> = (0..rng.gen_range(2..5))
                .map(|_| sentence(rng, topic))
                .collect();
            out.push_str(&para.join(" "));
            out.push_str("\n\n");
        }
        if section % 2 == 0 {
            for _ in 0..3 {
                let word = cap(WORDS.choose(rng).copied().unwrap_or("plan"));
                let _ = writeln!(out, "- **{word}** {}", sentence(rng, topic));
            }
            let _ = write!(
                out,
                "\nLees meer over [{topic}](https://onderwijsalliantie.nl/{topic}) en _{}_.\n\n",
                WORDS.choose(rng).copied().unwrap_or("leren")
            );
        }
        section += 1;
    }
    out
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The kind of item `n`: mostly news, then downloads, videos, manifests, locations, pages.
fn kind(n: u64) -> &'static str {
    if n % 1000 == 999 {
        return "page";
    }
    match n % 20 {
        0..=11 => "news",
        12 | 13 => "manifest",
        14..=16 => "download",
        17 | 18 => "video",
        _ => "location",
    }
}

/// Item number `n`; `files` are ids of stored files it may attach.
pub fn item(n: u64, files: &[String]) -> Item {
    let mut rng = StdRng::seed_from_u64(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let kind = kind(n);
    let topic_count = rng.gen_range(2..4);
    let topics: Vec<&str> = TOPICS
        .choose_multiple(&mut rng, topic_count)
        .copied()
        .collect();
    let title = format!(
        "{} {} {} {}",
        cap(topics[0]),
        WORDS.choose(&mut rng).copied().unwrap_or("in"),
        WORDS.choose(&mut rng).copied().unwrap_or("de"),
        n
    );
    let mut tags = vec![TAGS[usize::try_from(n % 5).unwrap_or(0)].to_owned()];
    for _ in 0..rng.gen_range(0..4) {
        let t = TAGS[rng.gen_range(5..TAGS.len())].to_owned();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let pick = |rng: &mut StdRng| files.choose(rng).cloned();
    let mut attachments = Vec::new();
    let attach_count = match kind {
        "manifest" => 2,
        "download" => 1,
        "news" if n.is_multiple_of(4) => 1,
        _ => 0,
    };
    for i in 0..attach_count {
        if let Some(id) = pick(&mut rng) {
            attachments.push(json!({"file_id": id, "label": format!("Bijlage {}", i + 1)}));
        }
    }
    let fields = match kind {
        "news" => {
            let mut f = json!({"display_date": format!("2026-{:02}-{:02}", n % 12 + 1, n % 28 + 1), "author": "Redactie"});
            if n.is_multiple_of(3)
                && let Some(id) = pick(&mut rng)
            {
                f["cover_file_id"] = json!(id);
            }
            f
        }
        "manifest" => json!({
            "subtitle": format!("Over {}", topics[1]),
            "references": [
                {"label": "1", "citation": "Onderwijsraad (2025). Advies over de toekomst.", "url": "https://onderwijsraad.nl/advies"},
                {"label": "2", "citation": "CBS (2024). Onderwijs in cijfers."}
            ],
        }),
        "download" => json!({
            "file_id": pick(&mut rng).unwrap_or_default(),
            "description": sentence(&mut rng, topics[0]),
        }),
        "video" => json!({"url": format!("https://www.youtube.com/watch?v=bench{n:07}")}),
        "page" => json!({"position": n % 10}),
        _ => json!({
            "city": CITIES[usize::try_from(n % 10).unwrap_or(0)],
            "initiator": format!("Stichting {}", cap(topics[1])),
            "initiator_url": "https://example.org/initiatief",
        }),
    };
    let summary = sentence(&mut rng, topics[0]);
    let body = body(&mut rng, &topics);
    Item {
        kind,
        doc: json!({
            "slug": crate::slug(&title),
            "title": title,
            "summary": summary,
            "body": body,
            "tags": tags,
            "attachments": attachments,
            "fields": fields,
        }),
    }
}
