// Verifies one webhook request with the official Standard Webhooks library (npm standardwebhooks,
// pinned in .ci/run). Reads {"secret", "headers", "body"} as JSON on stdin; exits 0 when
// Webhook.verify accepts it, 1 with the library's message otherwise.
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, headers, body } = JSON.parse(input);
  try {
    new Webhook(secret).verify(body, headers);
    console.log("verified");
    process.exit(0);
  } catch (e) {
    console.log("refused: " + e.message);
    process.exit(1);
  }
});
