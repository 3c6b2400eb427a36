import com.clozette.analytics.enrich.UserAgentClassifier;
import java.util.Random;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * The cost of one user agent never seen before, as a flood sends them: random letters, digits and
 * separators of a given length. "before": Yauaa parses the whole string (as the collector did, on
 * the event loop); "after": the shipped classifier (Yauaa on the first 256 characters, the crawler
 * list on all of it), as the loader, importer and stream processor run it.
 *   java -cp server/target/clozette-analytics.jar bench/bots/UserAgentCost.java [length] [count]
 */
public class UserAgentCost {
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ;/().,-_";

  public static void main(String[] args) {
    int length = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    UserAgentAnalyzer yauaa = UserAgentAnalyzer.newBuilder().hideMatcherLoadStats().withCache(0)
        .withField(UserAgent.DEVICE_CLASS).withField(UserAgent.AGENT_NAME).withField(UserAgent.OPERATING_SYSTEM_NAME)
        .immediateInitialization().build();
    UserAgentClassifier classifier = new UserAgentClassifier(100);
    for (int round = 0; round < 3; round++) {
      Random random = new Random(round);
      String[] userAgents = new String[count];
      for (int i = 0; i < count; i++) {
        StringBuilder ua = new StringBuilder(length);
        for (int j = 0; j < length; j++) {
          ua.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        userAgents[i] = ua.toString();
      }
      long start = System.nanoTime();
      for (String ua : userAgents) {
        yauaa.parse(ua);
      }
      double before = (System.nanoTime() - start) / 1e6 / count;
      start = System.nanoTime();
      for (String ua : userAgents) {
        classifier.classify(ua);
      }
      double after = (System.nanoTime() - start) / 1e6 / count;
      System.out.printf("round %d, %d random user agents of %d characters: before %.2f ms each, after %.2f ms each%n",
          round + 1, count, length, before, after);
    }
  }
}
