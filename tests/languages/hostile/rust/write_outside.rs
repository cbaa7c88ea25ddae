// stdin: a host file's path. Try to change it and to leave a marker file in every folder that
// is not the run's own; print each folder where a write succeeded.
use std::fs::OpenOptions;
use std::io::Write;

fn try_write(path: &str, label: &str) {
    if let Ok(mut f) = OpenOptions::new().append(true).create(true).open(path) {
        if f.write_all(b"ADVMARK\n").is_ok() {
            println!("WROTE {}", label);
        }
    }
}

fn main() {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    let victim = line.trim();
    try_write(victim, victim);
    let dir = &victim[..victim.rfind('/').unwrap_or(0)];
    for d in [dir, "/", "/etc", "/usr/bin", "/usr/lib", "/root", "/home", "..", "/proc/1/root",
              "/tmp"] {
        try_write(&format!("{}/ADVMARK-write-rs", d), d);
    }
}
