// The default theme and the site's styles. The live demos are not registered here: each demo page
// imports its own component (asynchronously), so no other page downloads a demo or TensorFlow.js.
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
};

export default theme;
