//! Decoding and encoding onlineMeeting payloads: the generated types (which
//! keep unknown properties and unknown enum values) against hand-written
//! serde structs of the same fields (which drop them), against structs of
//! only the documented response's fields, and against `serde_json::Value`.
//!
//! `cargo bench -p graph-online-meetings --bench payloads` prints, after
//! criterion's own report, each generated/hand-written ratio measured in
//! this run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::Criterion;
use graph_online_meetings::types::OnlineMeeting;
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod minimal {
    //! Only the documented response's fields, for scale.
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Meeting {
        pub id: Option<String>,
        pub creation_date_time: Option<DateTime<Utc>>,
        pub start_date_time: Option<DateTime<Utc>>,
        pub end_date_time: Option<DateTime<Utc>>,
        pub join_web_url: Option<String>,
        pub subject: Option<String>,
        pub is_broadcast: Option<bool>,
        pub is_entry_exit_announced: Option<bool>,
        pub allowed_presenters: Option<String>,
        pub video_teleconference_id: Option<String>,
        pub external_id: Option<String>,
        pub participants: Option<Participants>,
        pub lobby_bypass_settings: Option<LobbyBypass>,
        pub audio_conferencing: Option<Audio>,
        pub chat_info: Option<Chat>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Participants {
        pub organizer: Option<Participant>,
        pub attendees: Option<Vec<Participant>>,
        pub producers: Option<Vec<Participant>>,
        pub contributors: Option<Vec<Participant>>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Participant {
        pub upn: Option<String>,
        pub role: Option<String>,
        pub identity: Option<IdentitySet>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct IdentitySet {
        pub user: Option<Identity>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Identity {
        pub id: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct LobbyBypass {
        pub scope: Option<String>,
        pub is_dial_in_bypass_enabled: Option<bool>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Audio {
        pub conference_id: Option<String>,
        pub toll_number: Option<String>,
        pub toll_free_number: Option<String>,
        pub dialin_url: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Chat {
        pub thread_id: Option<String>,
        pub message_id: Option<String>,
        pub reply_chain_message_id: Option<String>,
    }
}

mod same_fields {
    //! Every property the spec names, as a person would write the structs
    //! by hand with plain serde derives: enums as strings, unknown
    //! properties dropped. The fair baseline for the generated types.
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Meeting {
        pub id: Option<String>,
        pub external_id: Option<String>,
        pub subject: Option<String>,
        pub creation_date_time: Option<DateTime<Utc>>,
        pub start_date_time: Option<DateTime<Utc>>,
        pub end_date_time: Option<DateTime<Utc>>,
        pub expiry_date_time: Option<DateTime<Utc>>,
        pub join_web_url: Option<String>,
        pub join_url: Option<String>,
        pub meeting_options_web_url: Option<String>,
        pub meeting_spoken_language_tag: Option<String>,
        pub meeting_template_id: Option<String>,
        pub video_teleconference_id: Option<String>,
        pub meeting_type: Option<String>,
        pub participants: Option<Participants>,
        pub audio_conferencing: Option<Audio>,
        pub chat_info: Option<Chat>,
        pub chat_restrictions: Option<ChatRestrictions>,
        pub cloud_video_interop_info: Option<CloudVideoInterop>,
        pub join_information: Option<ItemBody>,
        pub join_meeting_id_settings: Option<JoinMeetingId>,
        pub lobby_bypass_settings: Option<LobbyBypass>,
        pub sensitivity_label_assignment: Option<SensitivityLabel>,
        pub watermark_protection: Option<Watermark>,
        pub broadcast_settings: Option<Broadcast>,
        pub allowed_lobby_admitters: Option<String>,
        pub allowed_presenters: Option<String>,
        pub allow_live_share: Option<String>,
        pub allow_meeting_chat: Option<String>,
        pub share_meeting_chat_history_default: Option<String>,
        pub anonymize_identity_for_roles: Option<Vec<String>>,
        pub capabilities: Option<Vec<String>>,
        pub allow_attendee_to_enable_camera: Option<bool>,
        pub allow_attendee_to_enable_mic: Option<bool>,
        pub allow_breakout_rooms: Option<bool>,
        pub allow_copying_and_sharing_meeting_content: Option<bool>,
        pub allow_participants_to_change_name: Option<bool>,
        pub allow_power_point_sharing: Option<bool>,
        pub allow_recording: Option<bool>,
        pub allow_teamwork_reactions: Option<bool>,
        pub allow_transcription: Option<bool>,
        pub allow_whiteboard: Option<bool>,
        pub is_end_to_end_encryption_enabled: Option<bool>,
        pub is_entry_exit_announced: Option<bool>,
        pub record_automatically: Option<bool>,
        pub is_broadcast: Option<bool>,
        pub alternative_recording: Option<String>,
        pub attendee_report: Option<String>,
        pub broadcast_recording: Option<String>,
        pub recording: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Participants {
        pub organizer: Option<Participant>,
        pub attendees: Option<Vec<Participant>>,
        pub producers: Option<Vec<Participant>>,
        pub contributors: Option<Vec<Participant>>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Participant {
        pub identity: Option<IdentitySet>,
        pub upn: Option<String>,
        pub role: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct IdentitySet {
        pub application: Option<Identity>,
        pub device: Option<Identity>,
        pub user: Option<Identity>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Identity {
        pub id: Option<String>,
        pub display_name: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Audio {
        pub conference_id: Option<String>,
        pub dialin_url: Option<String>,
        pub toll_number: Option<String>,
        pub toll_free_number: Option<String>,
        pub toll_numbers: Option<Vec<String>>,
        pub toll_free_numbers: Option<Vec<String>>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Chat {
        pub thread_id: Option<String>,
        pub message_id: Option<String>,
        pub reply_chain_message_id: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ChatRestrictions {
        pub allow_text_only: Option<bool>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct CloudVideoInterop {
        pub more_info_web_url: Option<String>,
        pub tenant_key: Option<String>,
        pub video_teleconference_id: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ItemBody {
        pub content: Option<String>,
        pub content_type: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct JoinMeetingId {
        pub is_passcode_required: Option<bool>,
        pub join_meeting_id: Option<String>,
        pub passcode: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct LobbyBypass {
        pub scope: Option<String>,
        pub is_dial_in_bypass_enabled: Option<bool>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct SensitivityLabel {
        pub sensitivity_label_id: Option<String>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Watermark {
        pub is_enabled_for_content_sharing: Option<bool>,
        pub is_enabled_for_video: Option<bool>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Broadcast {
        pub allowed_audience: Option<String>,
        pub captions: Option<Captions>,
        pub is_attendee_report_enabled: Option<bool>,
        pub is_question_and_answer_enabled: Option<bool>,
        pub is_recording_enabled: Option<bool>,
        pub is_video_on_demand_enabled: Option<bool>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Captions {
        pub is_caption_enabled: Option<bool>,
        pub spoken_language: Option<String>,
        pub translation_languages: Option<Vec<String>>,
    }
}

fn documented() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/examples/response-1-with-attendee.json"
    );
    std::fs::read_to_string(path).expect("the documented response")
}

/// The documented response with `n` attendees, each with its own id and UPN.
fn with_attendees(n: usize) -> String {
    let mut value: Value = serde_json::from_str(&documented()).unwrap();
    let template = value["participants"]["attendees"][0].clone();
    let attendees: Vec<Value> = (0..n)
        .map(|i| {
            let mut a = template.clone();
            a["upn"] = Value::from(format!("attendee{i}@contoso.com"));
            a["identity"]["user"]["id"] = Value::from(format!("1f35f2e6-9cab-44ad-8d5a-{i:012}"));
            a
        })
        .collect();
    value["participants"]["attendees"] = Value::Array(attendees);
    serde_json::to_string(&value).unwrap()
}

/// A collection response, `{"value": [meeting]}`, as Graph's list and
/// `$filter` answers are shaped; the same wrapper serves every side.
#[derive(Serialize, Deserialize)]
struct List<T> {
    value: Vec<T>,
}

fn list_of(meeting: &str) -> String {
    format!("{{\"value\":[{meeting}]}}")
}
fn bench_payload(c: &mut Criterion, name: &str, json: &str) {
    let mut group = c.benchmark_group(format!("{name}/deserialize"));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_str::<OnlineMeeting>(black_box(json)).unwrap())
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| serde_json::from_str::<same_fields::Meeting>(black_box(json)).unwrap())
    });
    group.bench_function("hand-written-documented-fields", |b| {
        b.iter(|| serde_json::from_str::<minimal::Meeting>(black_box(json)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(json)).unwrap())
    });
    group.finish();

    let generated: OnlineMeeting = serde_json::from_str(json).unwrap();
    let hand_written: same_fields::Meeting = serde_json::from_str(json).unwrap();
    let documented_fields: minimal::Meeting = serde_json::from_str(json).unwrap();
    let value: Value = serde_json::from_str(json).unwrap();
    let mut group = c.benchmark_group(format!("{name}/serialize"));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&generated)).unwrap())
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| serde_json::to_vec(black_box(&hand_written)).unwrap())
    });
    group.bench_function("hand-written-documented-fields", |b| {
        b.iter(|| serde_json::to_vec(black_box(&documented_fields)).unwrap())
    });
    group.bench_function("value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
    });
    group.finish();
}

/// Times `a` and `b` in alternating rounds (the order flips every round) and
/// returns the median of the per-round ratios a/b. On a shared, noisy
/// machine this is steadier than comparing two benchmarks run one after the
/// other, since both sides of each ratio see the same conditions.
fn interleaved_ratio(mut a: impl FnMut(), mut b: impl FnMut(), iterations: u32) -> f64 {
    let time = |f: &mut dyn FnMut()| {
        let started = Instant::now();
        for _ in 0..iterations {
            f();
        }
        started.elapsed().as_secs_f64()
    };
    let mut ratios: Vec<f64> = (0..41)
        .map(|round| {
            if round % 2 == 0 {
                let ta = time(&mut a);
                ta / time(&mut b)
            } else {
                let tb = time(&mut b);
                time(&mut a) / tb
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Deserializes `json` as `T`, for the ratio closures.
fn decode<T: serde::de::DeserializeOwned>(json: &str) {
    drop(black_box(
        serde_json::from_str::<T>(black_box(json)).unwrap(),
    ));
}

/// Iterations per round, so that a round takes about the same time at every size.
fn iterations_for(json: &str) -> u32 {
    (4_000_000 / json.len().max(1)).clamp(10, 2_000) as u32
}

fn print_ratios(payloads: &[(&str, String)]) {
    println!("\nratios, median of 41 interleaved rounds, measured after criterion's runs:");
    println!("(a) hand-written structs of every spec property, enums as strings;");
    println!("(b) hand-written structs of the documented fields only, roles as strings");
    println!(
        "| payload | bytes | decode: generated/(a) | decode: generated/(b) | decode: Value/(a) | encode: generated/(a) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, json) in payloads {
        let json = json.as_str();
        let iterations = iterations_for(json);
        let (vs_a, vs_b, value) = if json.starts_with("{\"value\"") {
            (
                interleaved_ratio(
                    || decode::<List<OnlineMeeting>>(json),
                    || decode::<List<same_fields::Meeting>>(json),
                    iterations,
                ),
                interleaved_ratio(
                    || decode::<List<OnlineMeeting>>(json),
                    || decode::<List<minimal::Meeting>>(json),
                    iterations,
                ),
                interleaved_ratio(
                    || decode::<Value>(json),
                    || decode::<List<same_fields::Meeting>>(json),
                    iterations,
                ),
            )
        } else {
            (
                interleaved_ratio(
                    || decode::<OnlineMeeting>(json),
                    || decode::<same_fields::Meeting>(json),
                    iterations,
                ),
                interleaved_ratio(
                    || decode::<OnlineMeeting>(json),
                    || decode::<minimal::Meeting>(json),
                    iterations,
                ),
                interleaved_ratio(
                    || decode::<Value>(json),
                    || decode::<same_fields::Meeting>(json),
                    iterations,
                ),
            )
        };
        let encode_ratio = if json.starts_with("{\"value\"") {
            let generated: List<OnlineMeeting> = serde_json::from_str(json).unwrap();
            let same: List<same_fields::Meeting> = serde_json::from_str(json).unwrap();
            let encode = |v: &dyn erased::Encode| drop(black_box(v.encode()));
            interleaved_ratio(|| encode(&generated), || encode(&same), iterations)
        } else {
            let generated: OnlineMeeting = serde_json::from_str(json).unwrap();
            let same: same_fields::Meeting = serde_json::from_str(json).unwrap();
            let encode = |v: &dyn erased::Encode| drop(black_box(v.encode()));
            interleaved_ratio(|| encode(&generated), || encode(&same), iterations)
        };
        println!(
            "| {name} | {} | {vs_a:.3}x | {vs_b:.3}x | {value:.2}x | {encode_ratio:.3}x |",
            json.len()
        );
    }
}

mod erased {
    /// Lets one closure encode any of the compared types.
    pub trait Encode {
        fn encode(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Encode for T {
        fn encode(&self) -> Vec<u8> {
            serde_json::to_vec(self).unwrap()
        }
    }
}

fn main() {
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let payloads = [
        ("documented", documented()),
        ("200-attendees", with_attendees(200)),
    ];
    for (name, json) in &payloads {
        bench_payload(&mut c, name, json);
    }
    c.final_summary();
    // Decoding at scale: the createOrGet response and a list response with
    // 1, 200 and 1,000 attendees; the cost should grow linearly with them.
    let mut scaled: Vec<(String, String)> = Vec::new();
    for n in [1, 200, 1_000] {
        let meeting = with_attendees(n);
        let attendees = if n == 1 { "attendee" } else { "attendees" };
        scaled.push((format!("meeting, {n} {attendees}"), meeting.clone()));
        scaled.push((format!("list, {n} {attendees}"), list_of(&meeting)));
    }
    let scaled: Vec<(&str, String)> = scaled
        .iter()
        .map(|(n, j)| (n.as_str(), j.clone()))
        .collect();
    print_ratios(&scaled);
}
