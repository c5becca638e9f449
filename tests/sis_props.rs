//! Properties of the OneRoster parser: any roster a generator writes (columns in any order, extra
//! columns, names with commas, quotes and accents, links on either side or both, teachers and
//! rows being deleted mixed in) reads back exactly; arbitrary bytes and damaged files never panic,
//! and every refusal names a file and never a person.

use std::collections::BTreeSet;

use proptest::prelude::*;
use vestibule::sis::{parse, Roster, RosterFiles};

#[derive(Clone, Debug)]
enum Side {
    Student,
    Guardian,
    Both,
}

#[derive(Clone, Debug)]
struct Person {
    given: String,
    middle: String,
    family: String,
}

#[derive(Clone, Debug)]
struct Model {
    students: Vec<(Person, String, String)>, // person, identifier (may be empty), grade
    guardians: Vec<Person>,
    links: Vec<(usize, usize, Side)>,
    teachers: usize,
    deleted: usize,
    /// A permutation of the users.csv columns, plus extras.
    order: Vec<usize>,
}

const USER_COLUMNS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "metadata.extra",
];

fn name() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ ,'\"-]{0,10}[A-Za-zÀ-ÿ]?".prop_map(|s| s.trim().to_owned())
}

fn person() -> impl Strategy<Value = Person> {
    (name(), prop_oneof![Just(String::new()), name()], name()).prop_map(
        |(given, middle, family)| Person {
            given,
            middle,
            family,
        },
    )
}

fn model() -> impl Strategy<Value = Model> {
    (1usize..12, 0usize..8).prop_flat_map(|(n, m)| {
        let side = prop_oneof![Just(Side::Student), Just(Side::Guardian), Just(Side::Both)];
        (
            proptest::collection::vec((person(), any::<bool>(), "(KG|0[1-9]|1[0-2])"), n),
            proptest::collection::vec(person(), m),
            proptest::collection::vec((0..n, 0..m.max(1), side), 0..(n * m + 1)),
            0usize..3,
            0usize..3,
            Just((0..USER_COLUMNS.len()).collect::<Vec<_>>()).prop_shuffle(),
        )
            .prop_map(
                move |(students, guardians, links, teachers, deleted, order)| Model {
                    students: students
                        .into_iter()
                        .enumerate()
                        .map(|(i, (p, has_id, grade))| {
                            let id = if has_id {
                                format!("{:06}", 100_000 + i)
                            } else {
                                String::new()
                            };
                            (p, id, grade)
                        })
                        .collect(),
                    links: if m == 0 { Vec::new() } else { links },
                    guardians,
                    teachers,
                    deleted,
                    order,
                },
            )
    })
}

/// Writes the model as a OneRoster set.
fn write(model: &Model) -> (String, String, String) {
    let orgs = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n\
                d1,,,District,district,,\n\
                s1,,,\"Lincoln, Elementary\",school,,d1\n"
        .to_owned();
    let mut users = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = model.order.iter().map(|&i| USER_COLUMNS[i]).collect();
    users.write_record(&header).unwrap();
    let mut row = |fields: &[(&str, String)]| {
        let record: Vec<String> = header
            .iter()
            .map(|c| {
                fields
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        users.write_record(&record).unwrap();
    };
    let agents = |mine: Vec<String>| mine.join(",");
    for (i, (p, id, grade)) in model.students.iter().enumerate() {
        let mine = model
            .links
            .iter()
            .filter(|(s, _, side)| *s == i && !matches!(side, Side::Guardian))
            .map(|(_, g, _)| format!("g{g}"))
            .collect();
        row(&[
            ("sourcedId", format!("s{i}")),
            ("role", "student".into()),
            ("orgSourcedIds", "d1,s1".into()),
            ("givenName", p.given.clone()),
            ("middleName", p.middle.clone()),
            ("familyName", p.family.clone()),
            ("identifier", id.clone()),
            ("grades", format!("{grade},{grade}")),
            ("agentSourcedIds", agents(mine)),
            ("email", "someone@example.org".into()),
            ("metadata.extra", "x,y".into()),
        ]);
    }
    for (g, p) in model.guardians.iter().enumerate() {
        let mine = model
            .links
            .iter()
            .filter(|(_, gg, side)| *gg == g && !matches!(side, Side::Student))
            .map(|(s, _, _)| format!("s{s}"))
            .collect();
        row(&[
            ("sourcedId", format!("g{g}")),
            ("role", ["parent", "guardian", "relative"][g % 3].into()),
            ("givenName", p.given.clone()),
            ("middleName", p.middle.clone()),
            ("familyName", p.family.clone()),
            ("agentSourcedIds", agents(mine)),
        ]);
    }
    for t in 0..model.teachers {
        row(&[
            ("sourcedId", format!("t{t}")),
            ("role", "teacher".into()),
            ("givenName", "Teach".into()),
            ("familyName", "Er".into()),
            ("agentSourcedIds", "s0".into()),
        ]);
    }
    for d in 0..model.deleted {
        row(&[
            ("sourcedId", format!("x{d}")),
            ("status", "tobedeleted".into()),
            ("role", "student".into()),
            ("agentSourcedIds", "g0,nobody".into()),
        ]);
    }
    let users = String::from_utf8(users.into_inner().unwrap()).unwrap();
    let mut enrollments =
        "sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role\n".to_owned();
    for i in 0..model.students.len() {
        enrollments.push_str(&format!("e{i},c1,s1,s{i},student\n"));
    }
    (orgs, users, enrollments)
}

fn guardian_names(roster: &Roster, student: usize) -> BTreeSet<(String, String, String)> {
    roster.students[student]
        .guardians
        .iter()
        .map(|&g| {
            let g = &roster.guardians[g];
            (
                g.given_name.clone(),
                g.middle_name.clone(),
                g.family_name.clone(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_generated_roster_reads_back_exactly(model in model()) {
        let (orgs, users, enrollments) = write(&model);
        let roster = parse(&RosterFiles {
            orgs: orgs.as_bytes(),
            users: users.as_bytes(),
            enrollments: Some(enrollments.as_bytes()),
        })
        .map_err(|e| TestCaseError::fail(format!("{e}\n{users}")))?;
        prop_assert_eq!(roster.students.len(), model.students.len());
        prop_assert_eq!(&roster.schools, &vec!["Lincoln, Elementary".to_owned()]);
        for (i, (p, id, grade)) in model.students.iter().enumerate() {
            let s = &roster.students[i];
            let want_id = if id.is_empty() { format!("s{i}") } else { id.clone() };
            prop_assert_eq!(&s.student_id, &want_id);
            prop_assert_eq!((&s.given_name, &s.middle_name, &s.family_name), (&p.given, &p.middle, &p.family));
            prop_assert_eq!(&s.grade, grade);
            prop_assert_eq!(&s.school, "Lincoln, Elementary");
            let want: BTreeSet<_> = model
                .links
                .iter()
                .filter(|(s, _, _)| *s == i)
                .map(|(_, g, _)| {
                    let g = &model.guardians[*g];
                    (g.given.clone(), g.middle.clone(), g.family.clone())
                })
                .collect();
            prop_assert_eq!(guardian_names(&roster, i), want);
        }
        let linked: BTreeSet<usize> = model.links.iter().map(|(_, g, _)| *g).collect();
        prop_assert_eq!(roster.guardians.len(), linked.len());
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        orgs in proptest::collection::vec(any::<u8>(), 0..200),
        users in proptest::collection::vec(any::<u8>(), 0..400),
        enrollments in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..200)),
    ) {
        let _ = parse(&RosterFiles { orgs: &orgs, users: &users, enrollments: enrollments.as_deref() });
    }

    #[test]
    fn a_damaged_roster_is_refused_naming_a_file_and_no_person(
        model in model(),
        cut in any::<prop::sample::Index>(),
        junk in "[,\"\n\r\u{0}a-z]{1,4}",
    ) {
        let (orgs, users, enrollments) = write(&model);
        let at = cut.index(users.len());
        let at = (0..=at).rev().find(|&i| users.is_char_boundary(i)).unwrap_or(0);
        let damaged = format!("{}{junk}{}", &users[..at], &users[at..]);
        if let Err(e) = parse(&RosterFiles {
            orgs: orgs.as_bytes(),
            users: damaged.as_bytes(),
            enrollments: Some(enrollments.as_bytes()),
        }) {
            let message = e.to_string();
            prop_assert!(
                ["orgs.csv", "users.csv", "enrollments.csv"].iter().any(|f| message.starts_with(f)),
                "{}", message
            );
            prop_assert!(!message.contains('\n'));
            for (p, _, _) in &model.students {
                for part in [&p.given, &p.family] {
                    // Short names could be any word of the message: only look for long ones.
                    if part.len() >= 8 {
                        prop_assert!(!message.contains(part.as_str()), "{} in {}", part, message);
                    }
                }
            }
        }
    }
}
