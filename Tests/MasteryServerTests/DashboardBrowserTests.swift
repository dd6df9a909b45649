import Foundation
import Platform
import TestSupport
import Testing

/// The dashboard shell in a real headless Chromium, driven over WebDriver.
@Suite(
    "Dashboard in a browser",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
        "needs chromium and chromium-driver: run scripts/test"
    )
)
struct DashboardBrowserTests {
    @Test("the shell lists the 41 roadmap rows, its script reports readiness, and a screenshot is saved")
    func shell() async throws {
        let server = try await ServeProcess()
        try await withWebDriver { browser in
            try await browser.navigate(to: "http://127.0.0.1:\(server.port)/")
            try await browser.waitForDocumentReady()
            let rows = try await browser.findElements(css: "#systems tr.system")
            #expect(rows.count == 41)
            let first = try await browser.findElement(css: "tr.system[data-system='00']")
            #expect(try await first.text.contains("Progress tracker"))
            let last = try await browser.findElement(css: "tr.system[data-system='40']")
            #expect(try await last.text.contains("LoadTesting"))
            // The page's script fetched /ready and rendered the state: scripts ran.
            try await browser.waitUntil(script: "document.getElementById('readiness').dataset.state === 'ready'")
            let pill = try await browser.findElement(css: "#readiness")
            #expect(try await pill.text.contains("sqlite up"))
            // No session without signing in: no CSRF token, and a sign-in link in the frame.
            let anonymous = try await browser.executeScript(
                "return document.querySelector('meta[name=csrf-token]').content;"
            )
            #expect(anonymous.stringValue == "")
            #expect(try await browser.findElements(css: "#sign-in").count == 1)
            // The one-time link mastery serve printed signs in: the page now carries the session's CSRF token.
            let link = try await server.signInURL()
            try await browser.navigate(to: link)
            try await browser.waitForDocumentReady()
            let token = try await browser.executeScript(
                "return document.querySelector('meta[name=csrf-token]').content;"
            )
            #expect((token.stringValue ?? "").count == 64)
            #expect(try await browser.findElements(css: "#sign-in").isEmpty)
            // The link works once: a second visit (cookies cleared) is refused and asks for the token.
            _ = try await browser.executeScript("return 1;")
            try await browser.deleteAllCookies()
            try await browser.navigate(to: link)
            try await browser.waitForDocumentReady()
            #expect(try await browser.pageSource.contains("already used"))
            // The form with the admin token signs in too.
            try await browser.navigate(to: "http://127.0.0.1:\(server.port)/dashboard/login")
            try await browser.findElement(css: "input[name=token]").sendKeys(try server.adminToken())
            try await browser.findElement(css: "form.login button").click()
            _ = try await browser.waitUntil(
                script: "document.querySelector('meta[name=csrf-token]').content.length === 64"
            )
            let shot = try await browser.screenshot(named: "dashboard-shell")
            let bytes = try Data(contentsOf: shot)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        _ = try await server.stop()
    }

    @Test(
        "the kit's script: poll backs off while its task fails and returns to its interval; request stays same-origin"
    )
    func scriptHelper() async throws {
        try await ServeProcess.withRunning { server in
            try await withWebDriver { browser in
                try await browser.signIn(to: server)
                try await browser.navigate(to: "http://127.0.0.1:\(server.port)/")
                try await browser.waitForDocumentReady()
                // Five failures (waits of 100, 200, 400, 800, then the 1600 cap), then successes (back to 50).
                _ = try await browser.executeScript(
                    """
                    const probe = document.createElement("span");
                    probe.id = "poll-probe";
                    document.body.appendChild(probe);
                    window.pollRun = { times: [], states: [] };
                    let calls = 0;
                    window.pollHandle = Mastery.poll(async () => {
                      calls += 1;
                      window.pollRun.times.push(performance.now());
                      window.pollRun.states.push(probe.dataset.state);
                      if (calls <= 5) throw new Error("down");
                    }, { interval: 50, maxInterval: 1600, element: probe });
                    return 1;
                    """
                )
                try await browser.waitUntil(script: "window.pollRun.times.length >= 8", timeout: .seconds(60))
                let run = try await browser.executeScript(
                    """
                    window.pollHandle.stop();
                    const t = window.pollRun.times;
                    return t.slice(1).map((time, index) => Math.round(time - t[index])).join(",")
                      + ";" + window.pollRun.states.join(",") + ";" + document.getElementById("poll-probe").dataset.state;
                    """
                )
                let parts = (run.stringValue ?? "").split(separator: ";", omittingEmptySubsequences: false)
                try #require(parts.count == 3, "\(run)")
                let gaps = parts[0].split(separator: ",").compactMap { Int($0) }
                try #require(gaps.count >= 7, "\(run)")
                // Each wait after a failure at least doubles, up to the cap (timers only ever fire late).
                for (index, expected) in [100, 200, 400, 800, 1600].enumerated() {
                    #expect(gaps[index] >= expected - 10, "wait \(index + 1): \(gaps)")
                }
                // After a success the wait is the interval again (generously bounded: the machine is shared).
                #expect(gaps[5] < 800 && gaps[6] < 800, "\(gaps)")
                #expect(parts[1].hasPrefix("loading,error,error,error,error,error,ok"), "\(parts[1])")
                #expect(parts[2] == "ok")

                // request(): a URL on another origin is refused before anything is sent; writes carry the CSRF
                // token, reads do not; a problem answer rejects with the problem.
                _ = try await browser.executeScript(
                    """
                    window.requestRun = null;
                    const original = window.fetch;
                    const seen = [];
                    window.fetch = (url, init) => { seen.push([init.method, init.headers["X-CSRF-Token"] || ""]); return original(url, init); };
                    (async () => {
                      const outcome = (promise) => promise.then(() => "resolved", (p) => (p.status || "") + " " + p.title);
                      const foreign = await outcome(Mastery.request("POST", "https://example.invalid/v1/x"));
                      const read = await outcome(Mastery.get("/v1/nope"));
                      const write = await outcome(Mastery.request("POST", "/v1/nope", { body: { a: 1 } }));
                      window.fetch = original;
                      window.requestRun = [foreign, read, write, JSON.stringify(seen),
                        String(seen.length === 2 && seen[1][1] === Mastery.csrfToken() && Mastery.csrfToken().length === 64)];
                    })();
                    return 1;
                    """
                )
                try await browser.waitUntil(script: "window.requestRun !== null", timeout: .seconds(60))
                let outcome = try await browser.executeScript("return window.requestRun.join('|');")
                let fields = (outcome.stringValue ?? "").split(separator: "|").map(String.init)
                try #require(fields.count == 5, "\(outcome)")
                #expect(fields[0] == " Refused", "\(fields)")
                #expect(fields[1].hasPrefix("404 "), "\(fields)")
                #expect(fields[3].hasPrefix(#"[["GET",""],["POST","#), "\(fields)")
                #expect(fields[4] == "true", "\(fields)")
            }
        }
    }
}
