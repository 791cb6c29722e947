// bottleneck's light build (no clustering, so no optional Redis modules for the bundler to find)
// has the full build's types; the plugin-throttling package uses it too.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
