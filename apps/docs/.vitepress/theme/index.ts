// The default theme plus the live demos as global components (used in the demo pages' markdown).
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import CharModelDemo from '../../demos/CharModelDemo.vue';
import GenerateDemo from '../../demos/GenerateDemo.vue';
import RnnCellDemo from '../../demos/RnnCellDemo.vue';
import WindowRegressionDemo from '../../demos/WindowRegressionDemo.vue';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('CharModelDemo', CharModelDemo);
    app.component('WindowRegressionDemo', WindowRegressionDemo);
    app.component('RnnCellDemo', RnnCellDemo);
    app.component('GenerateDemo', GenerateDemo);
  },
};

export default theme;
