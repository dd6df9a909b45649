import Foundation
import Platform
import TestSupport
import Testing

@Suite(
    "WebDriver",
    .enabled(
        if: TestServers.shouldRun(tools: "chromium", "chromedriver"),
        "needs chromium and chromium-driver: run scripts/test"
    ),
    .serialized
)
struct WebDriverTests {
    /// A page whose script adds an element at load, with a form and a button that changes text.
    static let page = """
        <!doctype html>
        <html><head><title>WebDriver test page</title></head>
        <body>
          <h1 id="heading">Static heading</h1>
          <input id="name" type="text" value="placeholder">
          <button id="greet" onclick="greet()">Greet</button>
          <p id="greeting">not greeted</p>
          <ul id="list"></ul>
          <script>
            function greet() {
              document.getElementById('greeting').textContent = 'Hello, ' + document.getElementById('name').value + '!';
            }
            window.addEventListener('load', () => {
              const item = document.createElement('li');
              item.className = 'from-script';
              item.dataset.state = 'rendered';
              item.textContent = 'Rendered by script & friends';
              document.getElementById('list').appendChild(item);
            });
          </script>
        </body></html>
        """

    static var dataURL: String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return "data:text/html;charset=utf-8," + page.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    @Test("loads a page, reads the scripted DOM, fills a form, clicks and takes a screenshot")
    func drivesAPage() async throws {
        try await withWebDriver { session in
            try await session.navigate(to: Self.dataURL)
            try await session.waitForDocumentReady()
            try await session.waitUntil(script: "document.querySelector('#list li.from-script') !== null")
            #expect(try await session.title == "WebDriver test page")
            #expect(try await session.currentURL.hasPrefix("data:text/html"))

            let item = try await session.findElement(css: "#list li.from-script")
            #expect(try await item.text == "Rendered by script & friends")
            #expect(try await item.attribute("data-state") == "rendered")
            #expect(try await item.attribute("data-missing") == nil)
            #expect(try await item.tagName == "li")
            #expect(try await session.findElements(css: "li").count == 1)
            #expect(try await session.findElements(css: "table").isEmpty)
            #expect(try await session.pageSource.contains("class=\"from-script\""))

            let input = try await session.findElement(css: "#name")
            try await input.clear()
            try await input.sendKeys("Ada")
            #expect(try await input.property("value") == "Ada")

            try await session.findElement(css: "#greet").click()
            let greeting = try await session.findElement(css: "#greeting")
            #expect(try await greeting.text == "Hello, Ada!")

            let sum = try await session.executeScript("return arguments[0] + arguments[1];", args: [2, 3])
            #expect(sum.intValue == 5)
            let object = try await session.executeScript(
                "return {tag: arguments[0].tagName, list: [1, 'two', null], flag: true};",
                args: [greeting.jsonValue]
            )
            #expect(object == ["tag": "P", "list": [1, "two", nil], "flag": true])
            let body = try await session.executeScript("return document.body;")
            #expect(try await session.element(from: body)?.tagName == "body")

            let file = try await session.screenshot(named: "webdriver-test-page")
            #expect(file.path.hasSuffix("test-artifacts/screenshots/webdriver-test-page.png"))
            let png = try Data(contentsOf: file)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            #expect(png.count > 1000)
        }
    }

    @Test("W3C errors are typed: a missing element, a script error, a wait that runs out")
    func errors() async throws {
        try await withWebDriver { session in
            try await session.load(html: "<p id='only'>only</p>")
            let missing = await #expect(throws: WebDriverError.self) {
                try await session.findElement(css: "#does-not-exist")
            }
            #expect(missing?.code == .noSuchElement)
            #expect(missing?.code.description == "no such element")
            #expect(missing?.code.w3cName == "no such element")

            let script = await #expect(throws: WebDriverError.self) {
                try await session.executeScript("throw new Error('boom');")
            }
            #expect(script?.code == .javascriptError)
            #expect(script?.message.contains("boom") == true)

            let wait = await #expect(throws: WebDriverError.self) {
                try await session.waitUntil(script: "window.neverSet === true", timeout: .milliseconds(300))
            }
            #expect(wait?.code == .timeout)
        }
    }

    @Test("closing stops chromedriver and the browser")
    func closeStopsTheDriver() async throws {
        let session = try await WebDriverSession.start()
        let process = session.driver.process
        let temporaryDirectory = session.driver.temporaryDirectory
        #expect(process.isRunning)
        #expect(FileManager.default.fileExists(atPath: temporaryDirectory.path))
        await session.close()
        #expect(!process.isRunning)
        #expect(process.exitStatus == .exited(0) || process.exitStatus == .signalled(.terminate))
        #expect(!FileManager.default.fileExists(atPath: temporaryDirectory.path))
        await session.close()
        let afterClose = await #expect(throws: WebDriverError.self) { try await session.title }
        #expect(afterClose?.code == .driverUnreachable)
    }
}
