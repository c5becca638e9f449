//! Pre-registrations (invitations) in the store, sealed, with their revocations, and the visits
//! an event's pre-printed badges stand for.
//!
//! An invitation names a person, so the `invitations` table is sealed under the data key like
//! visits ([`super::crypto`]), keyed by the invitation id (random, not personal). Revocations
//! hold only the id, when and by whom: they stay in clear so a kiosk answers "revoked?" with one
//! lookup. Every issue and revocation is audited by id, never by name.

use redb::{ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

use super::audit::append_audit;
use super::crypto::Sealer;
use super::schema::{
    iso, parse_iso, parse_sex, INVITATIONS, INVITATIONS_NAME, INVITATION_REVOCATIONS,
    INVITATION_USES,
};
use super::visits::{insert_visit, StoredVisit};
use super::{Store, StoreError};
use crate::prereg::{self, Invitation, InvitationError, InvitationId, InvitedPerson, VerifyingKey};

/// What screening said when the invitation was issued. Only a clear person is ever issued one;
/// the kiosk screens again on arrival.
pub const SCREENED_CLEAR: &str = "clear";

/// One issued invitation as the store keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredInvitation {
    pub invitation: Invitation,
    /// The signed token (`VSTB1:...`), so `prereg qr` can write it again.
    pub token: String,
    /// [`SCREENED_CLEAR`], and when (RFC 3339).
    pub screened: String,
    pub issued_at: String,
    /// The operator, or `import` with the file's name.
    pub issued_by: String,
}

impl std::fmt::Debug for StoredInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredInvitation")
            .field("id", &self.invitation.id.to_string())
            .finish_non_exhaustive()
    }
}

/// When, by whom and why an invitation was revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub at: String,
    pub by: String,
    /// Absent in revocations recorded before reasons were: [`RevocationReason::Unspecified`].
    #[serde(default)]
    pub reason: RevocationReason,
}

impl Revocation {
    /// What an unreadable stored revocation counts as: still a revocation.
    fn unreadable() -> Revocation {
        Revocation {
            at: String::new(),
            by: String::new(),
            reason: RevocationReason::Unspecified,
        }
    }
}

/// Why an invitation was revoked: a code, never free text, so a revocation shared with every
/// kiosk through the feed carries no personal data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationReason {
    #[default]
    Unspecified,
    /// The visit or event is off.
    Cancelled,
    /// Staff no longer want this person admitted on this invitation.
    Safety,
    /// Issued to the wrong person or with the wrong dates.
    IssuedInError,
}

impl RevocationReason {
    pub const ALL: [RevocationReason; 4] = [
        RevocationReason::Unspecified,
        RevocationReason::Cancelled,
        RevocationReason::Safety,
        RevocationReason::IssuedInError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::Unspecified => "unspecified",
            RevocationReason::Cancelled => "cancelled",
            RevocationReason::Safety => "safety",
            RevocationReason::IssuedInError => "issued-in-error",
        }
    }
}

/// A reason code that is none of [`RevocationReason::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a revocation reason (unspecified, cancelled, safety or issued-in-error)")]
pub struct UnknownReason;

impl std::str::FromStr for RevocationReason {
    type Err = UnknownReason;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        RevocationReason::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(text))
            .ok_or(UnknownReason)
    }
}

/// A revocation as it travels between databases (the revocation list of the registry feed):
/// the invitation's id, when and why; never who, nor anything about the invited person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedRevocation {
    pub id: InvitationId,
    /// RFC 3339.
    pub at: String,
    pub reason: RevocationReason,
}

/// `prereg revoke`'s answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revoked {
    Now,
    Already(Revocation),
    /// No invitation with this id was issued from this database.
    Unknown,
}

/// Why a scanned invitation does not admit its bearer (after [`Store::check_invitation`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Invalid(#[from] InvitationError),
    #[error("the invitation was revoked")]
    Revoked,
}

/// The sealed JSON of one invitation.
#[derive(Serialize, Deserialize)]
struct Record {
    id: String,
    last_name: String,
    first_name: String,
    middle_name: String,
    dob: Option<String>,
    sex: Option<String>,
    valid_from: String,
    valid_to: String,
    purpose: String,
    destination: String,
    event: Option<String>,
    token: String,
    screened: String,
    issued_at: String,
    issued_by: String,
}

impl Record {
    fn of(stored: &StoredInvitation) -> Record {
        let i = &stored.invitation;
        Record {
            id: i.id.to_string(),
            last_name: i.person.last_name.clone(),
            first_name: i.person.first_name.clone(),
            middle_name: i.person.middle_name.clone(),
            dob: i.person.dob.map(iso),
            sex: i.person.sex.map(|s| s.as_str().to_owned()),
            valid_from: iso(i.valid_from),
            valid_to: iso(i.valid_to),
            purpose: i.purpose.clone(),
            destination: i.destination.clone(),
            event: i.event.clone(),
            token: stored.token.clone(),
            screened: stored.screened.clone(),
            issued_at: stored.issued_at.clone(),
            issued_by: stored.issued_by.clone(),
        }
    }

    fn stored(self) -> Option<StoredInvitation> {
        let invitation = Invitation {
            id: self.id.parse().ok()?,
            person: InvitedPerson {
                last_name: self.last_name,
                first_name: self.first_name,
                middle_name: self.middle_name,
                dob: self.dob.as_deref().and_then(parse_iso),
                sex: parse_sex(self.sex.as_deref().unwrap_or("")).ok()?,
            },
            valid_from: parse_iso(&self.valid_from)?,
            valid_to: parse_iso(&self.valid_to)?,
            purpose: self.purpose,
            destination: self.destination,
            event: self.event,
        };
        Some(StoredInvitation {
            invitation,
            token: self.token,
            screened: self.screened,
            issued_at: self.issued_at,
            issued_by: self.issued_by,
        })
    }
}

fn open_invitation(sealer: &Sealer, id: &str, sealed: &str) -> Option<StoredInvitation> {
    let stored = sealer
        .open(INVITATIONS_NAME, id, id, sealed)
        .ok()
        .and_then(|plain| serde_json::from_slice::<Record>(&plain).ok())
        .and_then(Record::stored)
        .filter(|s| s.invitation.id.to_string() == id);
    if stored.is_none() {
        tracing::warn!("invitation {id} does not open with the data key; left out");
    }
    stored
}

impl Store {
    /// Saves issued invitations, all or none, with one audit line each (by id).
    pub fn save_invitations(&self, issued: &[StoredInvitation]) -> Result<(), StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        {
            let mut table = write.open_table(INVITATIONS)?;
            for stored in issued {
                let id = stored.invitation.id.to_string();
                let json = serde_json::to_string(&Record::of(stored)).expect("records serialise");
                let sealed = sealer.seal(INVITATIONS_NAME, &id, json.as_bytes());
                table.insert(id.as_str(), sealed.as_str())?;
            }
        }
        for stored in issued {
            let i = &stored.invitation;
            append_audit(
                &write,
                serde_json::json!({
                    "event": "invitation-issued", "at": stored.issued_at, "by": stored.issued_by,
                    "invitation": i.id.to_string(), "valid_from": iso(i.valid_from),
                    "valid_to": iso(i.valid_to), "purpose": i.purpose, "screened": stored.screened,
                }),
            )?;
        }
        write.commit()?;
        Ok(())
    }

    /// The invitation issued under `id` from this database.
    pub fn invitation(&self, id: InvitationId) -> Result<Option<StoredInvitation>, StoreError> {
        let sealer = self.sealer()?;
        let read = self.db().begin_read()?;
        let table = match read.open_table(INVITATIONS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let key = id.to_string();
        let found = table.get(key.as_str())?;
        Ok(found.and_then(|sealed| open_invitation(sealer, &key, sealed.value())))
    }

    /// Every invitation issued from this database, by id, with its revocation if any.
    pub fn invitations(&self) -> Result<Vec<(StoredInvitation, Option<Revocation>)>, StoreError> {
        let sealer = self.sealer()?;
        let read = self.db().begin_read()?;
        let table = match read.open_table(INVITATIONS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut listed = Vec::new();
        for entry in table.iter()? {
            let (id, sealed) = entry?;
            if let Some(stored) = open_invitation(sealer, id.value(), sealed.value()) {
                let revoked = self.revocation(&read, stored.invitation.id)?;
                listed.push((stored, revoked));
            }
        }
        Ok(listed)
    }

    /// Whether `id` was revoked. Needs no data key: the kiosk asks before anything else.
    pub fn is_revoked(&self, id: InvitationId) -> Result<bool, StoreError> {
        let read = self.db().begin_read()?;
        Ok(self.revocation(&read, id)?.is_some())
    }

    fn revocation(
        &self,
        read: &redb::ReadTransaction,
        id: InvitationId,
    ) -> Result<Option<Revocation>, StoreError> {
        let table = match read.open_table(INVITATION_REVOCATIONS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let found = table.get(id.to_string().as_str())?;
        Ok(found.map(|v| serde_json::from_str(v.value()).unwrap_or(Revocation::unreadable())))
    }

    /// The kiosk's first step on an invitation scan: signature, dates, then revocation. The
    /// person must still be screened (the registry may have changed since it was issued) and,
    /// when [`prereg::needs_id`] says so, show an ID that [`prereg::same_person`] accepts.
    pub fn check_invitation(
        &self,
        token: &str,
        fleet: &VerifyingKey,
        today: time::Date,
    ) -> Result<Result<Invitation, Refusal>, StoreError> {
        let invitation = match prereg::verify(token, fleet, today) {
            Ok(invitation) => invitation,
            Err(e) => return Ok(Err(Refusal::Invalid(e))),
        };
        if self.is_revoked(invitation.id)? {
            return Ok(Err(Refusal::Revoked));
        }
        Ok(Ok(invitation))
    }

    /// Whether the invitation already admitted someone on `date` (kiosk-local): it admits its
    /// person once a day. Needs no data key.
    pub fn invitation_used_on(
        &self,
        id: InvitationId,
        date: time::Date,
    ) -> Result<bool, StoreError> {
        let read = self.db().begin_read()?;
        let table = match read.open_table(INVITATION_USES) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let key = use_key(&id.to_string(), &date.to_string());
        Ok(table.get(key.as_str())?.is_some())
    }

    /// Revokes an invitation issued from this database, audited with the operator's name.
    pub fn revoke_invitation(
        &self,
        id: InvitationId,
        by: &str,
        at: &str,
    ) -> Result<Revoked, StoreError> {
        self.revoke_invitation_because(id, by, at, RevocationReason::Unspecified)
    }

    /// [`Store::revoke_invitation`] with a reason code, which the feed shares with the kiosks.
    pub fn revoke_invitation_because(
        &self,
        id: InvitationId,
        by: &str,
        at: &str,
        reason: RevocationReason,
    ) -> Result<Revoked, StoreError> {
        let key = id.to_string();
        let write = self.db().begin_write()?;
        {
            let known = write.open_table(INVITATIONS)?.get(key.as_str())?.is_some();
            if !known {
                return Ok(Revoked::Unknown);
            }
            let mut revocations = write.open_table(INVITATION_REVOCATIONS)?;
            if let Some(earlier) = revocations.get(key.as_str())? {
                let earlier =
                    serde_json::from_str(earlier.value()).unwrap_or(Revocation::unreadable());
                return Ok(Revoked::Already(earlier));
            }
            let revocation = Revocation {
                at: at.to_owned(),
                by: by.to_owned(),
                reason,
            };
            let json = serde_json::to_string(&revocation).expect("revocations serialise");
            revocations.insert(key.as_str(), json.as_str())?;
        }
        append_audit(
            &write,
            serde_json::json!({
                "event": "invitation-revoked", "at": at, "by": by, "invitation": key,
                "reason": reason.as_str(),
            }),
        )?;
        write.commit()?;
        Ok(Revoked::Now)
    }

    /// Every revocation in this database (issued here or learned from the feed), by id, as
    /// the feed shares them. Needs no data key.
    pub fn shared_revocations(&self) -> Result<Vec<SharedRevocation>, StoreError> {
        let read = self.db().begin_read()?;
        let table = match read.open_table(INVITATION_REVOCATIONS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut shared = Vec::new();
        for entry in table.iter()? {
            let (id, json) = entry?;
            let Ok(id) = id.value().parse::<InvitationId>() else {
                tracing::warn!("a revocation under a malformed invitation id; left out");
                continue;
            };
            let revocation: Revocation =
                serde_json::from_str(json.value()).unwrap_or(Revocation::unreadable());
            shared.push(SharedRevocation {
                id,
                at: revocation.at,
                reason: revocation.reason,
            });
        }
        Ok(shared)
    }

    /// Records an event's cleared attendees as visits (the roster, the evacuation list and the
    /// badges' sign-out codes count them), all or none, with one audit line for the run.
    pub fn save_event_visits(
        &self,
        visits: &[StoredVisit],
        event: &str,
        at: &str,
        by: &str,
        uploads: &super::outbox::Uploads,
    ) -> Result<(), StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        for visit in visits {
            insert_visit(&write, sealer, visit)?;
            super::outbox::queue_upload(&write, sealer, uploads, visit)?;
        }
        append_audit(
            &write,
            serde_json::json!({
                "event": "event-badges", "at": at, "by": by, "name": event,
                "visits": visits.iter().map(|v| v.visit).collect::<Vec<_>>(),
            }),
        )?;
        write.commit()?;
        Ok(())
    }
}

fn use_key(id: &str, date: &str) -> String {
    format!("{id}/{date}")
}

/// Records inside `write` (the kiosk event that saved the visit) that invitation `id` admitted
/// `visit` on `date`. The first use of a day stays recorded.
pub(crate) fn use_invitation_in(
    write: &redb::WriteTransaction,
    id: &str,
    date: &str,
    visit: u32,
) -> Result<(), StoreError> {
    let mut table = write.open_table(INVITATION_USES)?;
    let key = use_key(id, date);
    if table.get(key.as_str())?.is_none() {
        table.insert(key.as_str(), visit)?;
    }
    Ok(())
}

/// Adds inside `write` the revocations in `shared` that this database does not hold yet,
/// recorded as made `by` (the feed release); one audit line names the ids added. Never removes
/// or changes one: a list that lacks a revocation does not undo it. Returns the ids added.
pub(crate) fn merge_revocations(
    write: &redb::WriteTransaction,
    shared: &[SharedRevocation],
    by: &str,
    at: &str,
) -> Result<Vec<InvitationId>, StoreError> {
    let mut added = Vec::new();
    {
        let mut revocations = write.open_table(INVITATION_REVOCATIONS)?;
        for entry in shared {
            let key = entry.id.to_string();
            if revocations.get(key.as_str())?.is_some() {
                continue;
            }
            let revocation = Revocation {
                at: entry.at.clone(),
                by: by.to_owned(),
                reason: entry.reason,
            };
            let json = serde_json::to_string(&revocation).expect("revocations serialise");
            revocations.insert(key.as_str(), json.as_str())?;
            added.push(entry.id);
        }
    }
    if !added.is_empty() {
        append_audit(
            write,
            serde_json::json!({
                "event": "invitations-revoked-by-feed", "at": at, "by": by,
                "invitations": added.iter().map(ToString::to_string).collect::<Vec<_>>(),
            }),
        )?;
    }
    Ok(added)
}

/// Retention ([`Store::purge`]): deletes inside `write` the invitations whose last valid day is
/// before `before` (a token that old is refused by its dates anyway), with their revocations.
/// One that does not open is kept. Returns how many went.
pub(super) fn purge_invitations(
    write: &redb::WriteTransaction,
    sealer: &Sealer,
    before: time::Date,
) -> Result<u64, StoreError> {
    let mut table = write.open_table(INVITATIONS)?;
    let rows: Vec<(String, String)> = table
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value().to_owned(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    let mut revocations = write.open_table(INVITATION_REVOCATIONS)?;
    let mut purged = 0;
    for (id, sealed) in &rows {
        let done =
            open_invitation(sealer, id, sealed).is_some_and(|s| s.invitation.valid_to < before);
        if done {
            table.remove(id.as_str())?;
            revocations.remove(id.as_str())?;
            purged += 1;
        }
    }
    // A use from before the cutoff can no longer refuse anything: its invitation has ended.
    let mut uses = write.open_table(INVITATION_USES)?;
    let cutoff = iso(before);
    let old: Vec<String> = uses
        .iter()?
        .filter_map(|e| e.ok().map(|(k, _)| k.value().to_owned()))
        .filter(|k| {
            k.rsplit_once('/')
                .is_some_and(|(_, date)| date < cutoff.as_str())
        })
        .collect();
    for key in old {
        uses.remove(key.as_str())?;
    }
    Ok(purged)
}

/// Key rotation ([`Store::reseal`]): every invitation opened with `old` and sealed again with
/// `new` (the id is the record's key and its seal label). Refuses on the first one that does
/// not open, naming it.
pub(super) fn reseal_invitations(
    write: &redb::WriteTransaction,
    old: &Sealer,
    new: &Sealer,
) -> Result<u64, StoreError> {
    let mut table = write.open_table(INVITATIONS)?;
    let rows: Vec<(String, String)> = table
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value().to_owned(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    for (id, sealed) in &rows {
        let plain = old.open(INVITATIONS_NAME, id, id, sealed)?;
        table.insert(id.as_str(), new.seal(INVITATIONS_NAME, id, &plain).as_str())?;
    }
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn stored(id: u64) -> StoredInvitation {
        StoredInvitation {
            invitation: Invitation {
                id: InvitationId(id),
                person: InvitedPerson {
                    last_name: "Lovelace".into(),
                    first_name: "Ada".into(),
                    middle_name: String::new(),
                    dob: Some(date!(1985 - 12 - 10)),
                    sex: None,
                },
                valid_from: date!(2026 - 12 - 01),
                valid_to: date!(2026 - 12 - 01),
                purpose: "visitor".into(),
                destination: "office".into(),
                event: None,
            },
            token: "VSTB1:abc.def".into(),
            screened: SCREENED_CLEAR.into(),
            issued_at: "2026-11-23T08:00:00-05:00".into(),
            issued_by: "Ms Office".into(),
        }
    }

    #[test]
    fn invitations_are_sealed_listed_and_revoked_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.redb");
        let key = crate::store::Key::generate();
        let store = Store::open_with_key(&path, &key).unwrap();
        store.save_invitations(&[stored(1), stored(2)]).unwrap();
        assert_eq!(store.invitation(InvitationId(1)).unwrap(), Some(stored(1)));
        assert_eq!(store.invitation(InvitationId(3)).unwrap(), None);
        assert!(!store.is_revoked(InvitationId(1)).unwrap());
        let at = "2026-11-24T09:00:00-05:00";
        assert_eq!(
            store
                .revoke_invitation(InvitationId(1), "Mr Head", at)
                .unwrap(),
            Revoked::Now
        );
        assert!(matches!(
            store.revoke_invitation(InvitationId(1), "Mr Head", at).unwrap(),
            Revoked::Already(r) if r.by == "Mr Head"
        ));
        assert_eq!(
            store.revoke_invitation(InvitationId(9), "x", at).unwrap(),
            Revoked::Unknown
        );
        let listed = store.invitations().unwrap();
        assert_eq!(listed.len(), 2);
        let fleet = prereg::SigningKey::from_bytes(&[3; 32]);
        let token = |id| prereg::issue(&stored(id).invitation, &fleet).unwrap();
        let today = date!(2026 - 12 - 01);
        let check = |id| {
            store
                .check_invitation(&token(id), &fleet.verifying_key(), today)
                .unwrap()
        };
        assert_eq!(check(1), Err(Refusal::Revoked));
        assert_eq!(check(2), Ok(stored(2).invitation));
        let late = store.check_invitation(&token(2), &fleet.verifying_key(), date!(2026 - 12 - 02));
        assert!(matches!(
            late.unwrap(),
            Err(Refusal::Invalid(InvitationError::Expired { .. }))
        ));
        assert!(listed[0].1.is_some() && listed[1].1.is_none());
        drop(store);
        let raw = std::fs::read(&path).unwrap();
        assert!(!raw.windows(8).any(|w| w == b"Lovelace"), "sealed at rest");
        let store = Store::open(&path).unwrap();
        assert!(store.is_revoked(InvitationId(1)).unwrap(), "no key needed");
        drop(store);
        let audit = Store::open_with_key(&path, &key)
            .unwrap()
            .audit_lines()
            .unwrap();
        assert!(audit
            .iter()
            .any(|l| l.contains("invitation-revoked") && l.contains("Mr Head")));
        assert!(!audit.iter().any(|l| l.contains("Lovelace")));
    }

    #[test]
    fn shared_revocations_are_added_never_removed_nor_changed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.redb")).unwrap();
        let shared = |id, reason| SharedRevocation {
            id: InvitationId(id),
            at: "2026-11-24T09:00:00Z".into(),
            reason,
        };
        let merge = |list: &[SharedRevocation]| {
            let write = store.db().begin_write().unwrap();
            let added = merge_revocations(&write, list, "registry feed serial 7", "now").unwrap();
            write.commit().unwrap();
            added
        };
        let first = [shared(1, RevocationReason::Safety)];
        assert_eq!(merge(&first), vec![InvitationId(1)]);
        // Known already (another reason does not overwrite it); 2 is new; an empty list undoes
        // nothing.
        let second = [
            shared(1, RevocationReason::Cancelled),
            shared(2, RevocationReason::IssuedInError),
        ];
        assert_eq!(merge(&second), vec![InvitationId(2)]);
        assert_eq!(merge(&[]), vec![]);
        assert!(store.is_revoked(InvitationId(1)).unwrap());
        assert_eq!(
            store.shared_revocations().unwrap(),
            vec![
                shared(1, RevocationReason::Safety),
                shared(2, RevocationReason::IssuedInError)
            ]
        );
        let audit = store.audit_lines().unwrap();
        assert_eq!(audit.len(), 2, "one line a merge that added something");
        assert!(
            audit[1].contains("invitations-revoked-by-feed")
                && audit[1].contains("0000000000000002")
        );
        assert_eq!(
            "Issued-In-Error".parse(),
            Ok(RevocationReason::IssuedInError)
        );
        assert_eq!("because".parse::<RevocationReason>(), Err(UnknownReason));
        // A revocation stored before reasons existed reads as unspecified.
        let old: Revocation = serde_json::from_str(r#"{"at":"x","by":"y"}"#).unwrap();
        assert_eq!(old.reason, RevocationReason::Unspecified);
    }
}
