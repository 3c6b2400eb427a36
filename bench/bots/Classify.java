import com.clozette.analytics.enrich.UserAgentClassifier;
import com.clozette.analytics.enrich.UserAgentInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads user agents, one a line, and prints for each the rule that flags it as a bot (yauaa, list)
 * or "-" for a person, with the classifier the jar ships. Run by bench.js as
 * {@code java -cp server/target/clozette-analytics.jar bench/bots/Classify.java}.
 */
public class Classify {
  public static void main(String[] args) throws Exception {
    UserAgentClassifier classifier = new UserAgentClassifier(100_000);
    var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    var out = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      UserAgentInfo info = classifier.classify(line);
      out.append(info.bot() ? info.botSourceName() : "-").append('\n');
    }
    System.out.print(out);
  }
}
