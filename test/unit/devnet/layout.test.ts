import { expect } from 'chai';
import { join } from 'node:path';
import { swlHome } from '@swledger/devnet/layout';

describe('network/layout: where local networks live', () => {
  const dirs =
    (...present: string[]) =>
    (path: string) =>
      present.includes(path);

  it('SWL_HOME first, resolved from the working directory', () => {
    const home = swlHome({ SWL_HOME: 'runs' }, '/work/app', dirs('/work/.swledger'));

    expect(home).to.equal('/work/app/runs');
  });

  it('else the nearest .swledger/ in the working directory or a parent', () => {
    const near = swlHome({}, '/work/app/sub', dirs('/work/app/.swledger', '/work/.swledger'));
    const far = swlHome({}, '/work/app/sub', dirs('/work/.swledger'));
    const root = swlHome({}, '/work/app', dirs('/.swledger'));

    expect([near, far, root]).to.deep.equal([
      '/work/app/.swledger',
      '/work/.swledger',
      '/.swledger',
    ]);
  });

  it('else .swledger/ in the working directory, never beside the installed package', () => {
    const home = swlHome({ SWL_HOME: '' }, '/tmp/empty', dirs());

    expect(home).to.equal(join('/tmp/empty', '.swledger'));
  });
});
