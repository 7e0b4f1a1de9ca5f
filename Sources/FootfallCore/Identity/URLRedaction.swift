import Foundation

/// A URL as logs, status lines and errors show it: without a user and password (`user:pw@`)
/// or a query (`?api_key=…`), where receivers' credentials are sometimes put. The scheme, host,
/// port and path stay, which is what an operator needs to tell one receiver from another.
public enum URLRedaction {
    public static func shown(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.host != nil else { return url }
        let hadCredentials = parts.user != nil || parts.password != nil
        let hadQuery = parts.query != nil
        guard hadCredentials || hadQuery else { return url }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        guard let bare = parts.string else { return url }
        return bare + (hadQuery ? "?…" : "")
    }
}
