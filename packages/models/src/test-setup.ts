/**
 * The models suite's set-up (vitest's `setupFiles`): installs the speed code as the package's
 * entries do, so that a test importing a deep module (`./layers/recurrent.js`) runs the same
 * kernels as a user of `@rnnkit/models`.
 */
import './fast/install.js';
