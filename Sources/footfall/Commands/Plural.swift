/// `n thing` or `n things`, as the commands print counts ("1 visit", "2 visits").
func count(_ n: Int, _ thing: String) -> String { "\(n) \(thing)\(n == 1 ? "" : "s")" }
