import Foundation

extension Chromium {
    /// One tab, attached as a flat session, with its Runtime, Network, Page and Log events on.
    public struct Page: Sendable {
        public let browser: Chromium
        public let sessionID: String

        /// Evaluates a script expression in the page and returns its value as a string (a
        /// script that builds a snapshot returns `JSON.stringify(…)`). A thrown exception fails.
        public func evaluate(_ expression: String) async throws -> String? {
            struct Evaluated: Decodable {
                struct Value: Decodable { var type: String; var value: String? }
                struct Thrown: Decodable { var text: String; var exception: Exception? }
                struct Exception: Decodable { var description: String? }
                var result: Value
                var exceptionDetails: Thrown?
            }
            let evaluated = try await browser.send(
                "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true],
                session: sessionID, as: Evaluated.self)
            if let thrown = evaluated.exceptionDetails {
                throw ProtocolError("the script threw: \(thrown.exception?.description ?? thrown.text)")
            }
            return evaluated.result.value
        }

        /// Evaluates an expression that returns JSON text and decodes it.
        public func evaluate<T: Decodable>(_ expression: String, as type: T.Type) async throws -> T {
            guard let text = try await evaluate(expression) else { throw ProtocolError("the script returned no string: \(expression.prefix(80))") }
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        }

        /// The page as rendered now, as PNG.
        public func screenshot() async throws -> Data {
            struct Captured: Decodable { var data: String }
            let captured = try await browser.send("Page.captureScreenshot", ["format": "png"], session: sessionID, as: Captured.self)
            guard let png = Data(base64Encoded: captured.data) else { throw ProtocolError("Page.captureScreenshot: not base64") }
            return png
        }

        /// Saves a screenshot for diagnosis and says where, or why there is none.
        public func saveScreenshot(to file: URL) async -> String {
            do {
                try await screenshot().write(to: file)
                return "screenshot: \(file.path)"
            } catch {
                return "no screenshot: \(error)"
            }
        }

        /// The events this page sent so far, in order.
        public var events: [Event] { browser.events.filter { $0.sessionID == sessionID } }
    }

    /// Opens a new tab, turns its events on (so nothing the page does is missed) and navigates
    /// to `url`; returns once the navigation has committed, before the page's scripts ran.
    public func open(_ url: String) async throws -> Page {
        struct Created: Decodable { var targetId: String }
        struct Attached: Decodable { var sessionId: String }
        struct Navigated: Decodable { var errorText: String? }
        let target = try await send("Target.createTarget", ["url": "about:blank"], as: Created.self)
        let session = try await send("Target.attachToTarget", ["targetId": target.targetId, "flatten": true], as: Attached.self)
        for domain in ["Runtime", "Network", "Page", "Log"] {
            _ = try await send("\(domain).enable", session: session.sessionId)
        }
        let navigated = try await send("Page.navigate", ["url": url], session: session.sessionId, as: Navigated.self)
        if let error = navigated.errorText { throw ProtocolError("Page.navigate \(url): \(error)") }
        return Page(browser: self, sessionID: session.sessionId)
    }
}
