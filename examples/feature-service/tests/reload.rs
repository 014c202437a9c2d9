// Integration tests are test code: `.unwrap()` here is not reported.

#[test]
fn feature_file_round_trip() {
    let dir = std::env::temp_dir().join("feature-service-test");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("features"), "curl\nwget\n").unwrap();
    let text = std::fs::read_to_string(dir.join("features")).unwrap();
    assert_eq!(text.lines().count(), 2);
}
