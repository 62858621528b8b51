// The demo app's entry point: registers <blaze-face>.
import '../components/index.ts';
