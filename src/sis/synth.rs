//! Synthetic OneRoster 1.1 sets, for the benchmark and the tests: `students` students in
//! `schools` schools of one district, each with two guardians (one linked from the student's
//! row, one from the guardian's, every fifth from both), plus a teacher per school. The same
//! arguments always give the same files; every name is made up.

use std::fmt::Write;

/// The three files of a set, as CSV text.
#[derive(Clone, Debug, Default)]
pub struct OneRosterSet {
    pub orgs: String,
    pub users: String,
    pub enrollments: String,
}

impl OneRosterSet {
    pub fn files(&self) -> super::RosterFiles<'_> {
        super::RosterFiles {
            orgs: self.orgs.as_bytes(),
            users: self.users.as_bytes(),
            enrollments: Some(self.enrollments.as_bytes()),
        }
    }
}

const GIVEN: &[&str] = &[
    "María", "José", "Ana", "Luis", "Olivia", "Liam", "Emma", "Noah", "Sofía", "Mateo", "Ava",
    "Ethan", "Mia", "Lucas", "Amara", "Kenji", "Aaliyah", "Dmitri", "Priya", "Seán", "Zoë",
    "DeShawn", "Thi", "Chloé", "Robert", "Karen", "William", "Grace",
];
const FAMILY: &[&str] = &[
    "García",
    "Nguyen",
    "Smith",
    "Johnson",
    "O'Brien",
    "García López",
    "De la Cruz",
    "Washington",
    "Kim",
    "Patel",
    "Müller",
    "Okafor",
    "Rossi",
    "Haddad",
    "Kowalski",
    "Tanaka",
    "Silva",
    "Brown",
    "Martínez",
    "Andersen",
    "Ivanova",
    "Mensah",
    "Lefèvre",
    "MacDonald",
];
const GRADES: &[&str] = &[
    "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// splitmix64: small, seedable, and the same on every platform.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

const USERS_HEADER: &str = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,\
username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,\
grades,password\n";

/// A set of `students` students in `schools` schools (at least one).
pub fn oneroster(students: usize, schools: usize, seed: u64) -> OneRosterSet {
    let schools = schools.max(1);
    let mut mix = Mix(seed);
    let mut set = OneRosterSet {
        orgs: "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n\
               d1,active,2026-08-01T00:00:00.000Z,Synthetic Unified,district,SU,\n"
            .to_owned(),
        users: USERS_HEADER.to_owned(),
        enrollments: "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,\
                      userSourcedId,role,primary,beginDate,endDate\n"
            .to_owned(),
    };
    for s in 0..schools {
        let _ = writeln!(
            set.orgs,
            "sch{s},active,2026-08-01T00:00:00.000Z,School {s},school,S{s},d1"
        );
        let _ = writeln!(
            set.users,
            "tea{s},active,,true,sch{s},teacher,t{s},,Teacher,Number {s},,T{s},t{s}@example.org,,,,,"
        );
    }
    for n in 0..students {
        let school = n % schools;
        let family = mix.pick(FAMILY);
        let (g1, g2) = (2 * n, 2 * n + 1);
        let student_side = if n % 5 == 0 {
            format!("\"par{g1},par{g2}\"")
        } else {
            format!("par{g1}")
        };
        let _ = writeln!(
            set.users,
            "stu{n},active,,true,sch{school},student,u{n},,{},\"{family}\",{},{},u{n}@example.org,,,{student_side},{},",
            mix.pick(GIVEN),
            if n % 3 == 0 { mix.pick(GIVEN) } else { "" },
            200_000 + n,
            mix.pick(GRADES),
        );
        for (g, role, agents) in [
            (g1, "parent", String::new()),
            (g2, "guardian", format!("stu{n}")),
        ] {
            let _ = writeln!(
                set.users,
                "par{g},active,,true,d1,{role},,,{},\"{family}\",,,,,,{agents},,",
                mix.pick(GIVEN),
            );
        }
        let _ = writeln!(
            set.enrollments,
            "enr{n},active,,cls{school},sch{school},stu{n},student,false,,"
        );
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synthetic_set_parses_into_what_it_promises() {
        let set = oneroster(500, 7, 1);
        let roster = super::super::parse(&set.files()).unwrap();
        assert_eq!(roster.students.len(), 500);
        assert_eq!(roster.guardians.len(), 1000);
        assert_eq!(roster.links(), 1000);
        assert_eq!(roster.schools.len(), 7);
        assert!(roster.students.iter().all(|s| s.guardians.len() == 2));
        assert_eq!(oneroster(50, 2, 9).users, oneroster(50, 2, 9).users);
    }
}
