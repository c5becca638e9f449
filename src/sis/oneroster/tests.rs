use super::*;

const ORGS_CSV: &str = "\
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
d1,,,Riverside Unified,district,RUSD,
s1,,,Lincoln Elementary,school,LIN,d1
s2,,,Jefferson Middle,school,JMS,d1
s3,tobedeleted,,Old Annex,school,OLD,d1
";

const USERS_CSV: &str = "\
sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
u1,,,true,s1,student,mgarcia,,María,García,José,100234,m@example.org,,,\"p1,p2\",03,
u2,,,true,\"d1,s2\",student,tnguyen,,Tuan,Nguyen,,,,,,,07,
p1,,,true,d1,parent,,,Ana,García,,,,,,u1,,
p2,,,true,d1,guardian,,,Luis,Ortega,Miguel,,,,,,,
p3,,,true,d1,relative,,,Kim,Nguyen,,,,,,u2,,
t1,,,true,s1,teacher,,,Jordan,Lee,,T100,,,,,,
p4,tobedeleted,,true,d1,parent,,,Old,Parent,,,,,,u1,,
p5,,,true,d1,parent,,,Unlinked,Parent,,,,,,,,
";

const ENROLLMENTS_CSV: &str = "\
sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e1,,,c1,s1,u1,student,false,,
e2,,,c2,s1,t1,teacher,true,,
e3,,,c3,s2,u2,student,false,,
";

fn files<'a>(orgs: &'a str, users: &'a str, enrollments: Option<&'a str>) -> RosterFiles<'a> {
    RosterFiles {
        orgs: orgs.as_bytes(),
        users: users.as_bytes(),
        enrollments: enrollments.map(str::as_bytes),
    }
}

fn sample() -> Roster {
    parse(&files(ORGS_CSV, USERS_CSV, Some(ENROLLMENTS_CSV))).unwrap()
}

fn error(orgs: &str, users: &str, enrollments: Option<&str>) -> String {
    parse(&files(orgs, users, enrollments))
        .unwrap_err()
        .to_string()
}

#[test]
fn keeps_students_guardians_schools_and_links_from_either_side() {
    let roster = sample();
    assert_eq!(
        roster.schools,
        vec!["Lincoln Elementary", "Jefferson Middle"]
    );
    assert_eq!(roster.students.len(), 2);
    let maria = &roster.students[0];
    assert_eq!(maria.student_id, "100234", "identifier, not sourcedId");
    assert_eq!(
        (
            maria.given_name.as_str(),
            maria.middle_name.as_str(),
            maria.family_name.as_str()
        ),
        ("María", "José", "García")
    );
    assert_eq!(maria.grade, "03");
    assert_eq!(maria.school, "Lincoln Elementary");
    let names = |s: &Student| -> Vec<String> {
        s.guardians
            .iter()
            .map(|&g| roster.guardians[g].given_name.clone())
            .collect()
    };
    // p1 named on both sides, p2 only on the student's side; p4 is being deleted.
    assert_eq!(names(maria), vec!["Ana", "Luis"]);
    assert_eq!(roster.guardians[1].middle_name, "Miguel");
    let tuan = &roster.students[1];
    assert_eq!(tuan.student_id, "u2", "no identifier: the sourcedId");
    assert_eq!(
        tuan.school, "Jefferson Middle",
        "the school, not the district"
    );
    // p3 names the student only on the guardian's side.
    assert_eq!(names(tuan), vec!["Kim"]);
    assert_eq!(roster.guardians.len(), 3, "the unlinked parent is not kept");
    assert_eq!(roster.links(), 3);
}

#[test]
fn columns_are_found_by_name_in_any_order_and_extras_ignored() {
    let users = "\
extra,FamilyName,givenName,role,sourcedId,agentSourcedIds,orgSourcedIds
x,Smith,Avery,student,u1,p1,s1
y,Smith,Casey,parent,p1,,
";
    let orgs = "name,sourcedId,notes\nLincoln Elementary,s1,whatever\n";
    let roster = parse(&files(orgs, users, None)).unwrap();
    assert_eq!(roster.students[0].family_name, "Smith");
    assert_eq!(
        roster.students[0].school, "Lincoln Elementary",
        "from orgSourcedIds"
    );
    assert_eq!(roster.students[0].guardians, vec![0]);
    assert_eq!(roster.students[0].grade, "");
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_accepted() {
    let orgs = "\u{feff}sourcedId,name\r\ns1,Lincoln\r\n";
    let users = "\u{feff}sourcedId,role,givenName,familyName\r\nu1,student,Avery,Smith\r\n";
    let roster = parse(&files(orgs, users, None)).unwrap();
    assert_eq!(roster.students.len(), 1);
}

#[test]
fn a_link_to_an_unknown_user_names_file_line_field_and_the_sourced_id() {
    let users = USERS_CSV.replace("\"p1,p2\"", "\"p1,p99\"");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 2, field agentSourcedIds: unknown user p99"
    );
    // On the guardian's side too.
    let users = USERS_CSV.replace("Kim,Nguyen,,,,,,u2", "Kim,Nguyen,,,,,,u9");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 6, field agentSourcedIds: unknown user u9"
    );
}

#[test]
fn missing_columns_and_files_are_named() {
    let users = USERS_CSV.replacen("familyName", "surname", 1);
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv: missing column familyName"
    );
    let orgs = "sourcedId,title\ns1,Lincoln\n";
    assert_eq!(
        error(orgs, USERS_CSV, None),
        "orgs.csv: missing column name"
    );
    let enrollments = "sourcedId,userSourcedId,role\ne1,u1,student\n";
    assert_eq!(
        error(ORGS_CSV, USERS_CSV, Some(enrollments)),
        "enrollments.csv: missing column schoolSourcedId"
    );
}

#[test]
fn bad_values_name_file_line_and_field_without_personal_data() {
    let users = USERS_CSV.replace(",Tuan,Nguyen,", ",,Nguyen,");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 3, field givenName: empty"
    );
    let users = USERS_CSV.replace(",relative,", ",uncle,");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 6, field role: not a OneRoster 1.1 role"
    );
    let users = USERS_CSV.replace("u2,,,true,\"d1,s2\"", "u2,,,true,\"d1,s9\"");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 3, field orgSourcedIds: unknown org s9"
    );
    let users = USERS_CSV.replace("p2,,,true", "u1,,,true");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 5, field sourcedId: user u1 repeats line 2"
    );
    let users = USERS_CSV.replace("Nguyen,,,,", "Nguyen,,100234,,");
    let message = error(ORGS_CSV, &users, None);
    assert_eq!(
        message,
        "users.csv line 3, field identifier: the student id of user u2 repeats line 2"
    );
    assert!(!message.contains("Nguyen") && !message.contains("100234"));
    let orgs = ORGS_CSV.replace("Jefferson Middle", "");
    assert_eq!(
        error(&orgs, USERS_CSV, None),
        "orgs.csv line 4, field name: empty"
    );
}

#[test]
fn enrollment_errors_name_the_field() {
    let enrollments = ENROLLMENTS_CSV.replace("e3,,,c3,s2,u2", "e3,,,c3,s2,u7");
    assert_eq!(
        error(ORGS_CSV, USERS_CSV, Some(&enrollments)),
        "enrollments.csv line 4, field userSourcedId: unknown user u7"
    );
    let enrollments = ENROLLMENTS_CSV.replace("e3,,,c3,s2,u2", "e3,,,c3,s8,u2");
    assert_eq!(
        error(ORGS_CSV, USERS_CSV, Some(&enrollments)),
        "enrollments.csv line 4, field schoolSourcedId: unknown org s8"
    );
    // Links to rows being deleted are dropped, not errors.
    let enrollments = ENROLLMENTS_CSV.replace("e3,,,c3,s2,u2", "e3,,,c3,s3,u2");
    let roster = parse(&files(ORGS_CSV, USERS_CSV, Some(&enrollments))).unwrap();
    assert_eq!(
        roster.students[1].school, "Jefferson Middle",
        "falls back to orgSourcedIds"
    );
}

#[test]
fn malformed_csv_names_the_line() {
    let users = format!("{USERS_CSV}u9,,,true\n");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 10: 4 fields where the header has 18"
    );
    let mut bytes = USERS_CSV.as_bytes().to_vec();
    let at = USERS_CSV.find("Tuan").unwrap();
    bytes[at] = 0xFF;
    let err = parse(&RosterFiles {
        orgs: ORGS_CSV.as_bytes(),
        users: &bytes,
        enrollments: None,
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "users.csv line 3: not UTF-8 text");
}

#[test]
fn tobedeleted_rows_are_skipped_everywhere() {
    let users = USERS_CSV.replace("u2,,,true", "u2,tobedeleted,,true");
    let roster = parse(&files(ORGS_CSV, &users, Some(ENROLLMENTS_CSV))).unwrap();
    assert_eq!(roster.students.len(), 1);
    assert_eq!(roster.guardians.len(), 2, "Kim's only student is gone");
    assert_eq!(
        roster.schools,
        vec!["Lincoln Elementary", "Jefferson Middle"]
    );
}

#[test]
fn student_ids_equal_but_for_leading_zeros_are_one_id() {
    let users = USERS_CSV.replace("Nguyen,,,,", "Nguyen,,00100234,,");
    assert_eq!(
        error(ORGS_CSV, &users, None),
        "users.csv line 3, field identifier: the student id of user u2 repeats line 2"
    );
}
