import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';

/**
 * A small dictionary keyed by the Chinese text the manual uses: Chinese is the portal's language,
 * English is a convenience switch. A string missing here shows in Chinese.
 */
const en: Record<string, string> = {
  作品自愿登记平台: 'Voluntary Copyright Registration',
  浙江省版权局: 'Zhejiang Copyright Office',
  首页: 'Home',
  用户信息: 'User',
  资料完善: 'Profile',
  作品自愿登记: 'Registration',
  作品填报: 'File a work',
  '待提交作品（含初审退回作品）': 'To submit (incl. returned)',
  待签章作品: 'Awaiting signatures',
  待缴费作品: 'Awaiting payment',
  作品列表: 'All works',
  已提交作品: 'Submitted',
  待初审作品: 'Initial review',
  待终审作品: 'Final review',
  已发证作品: 'Certified',
  其他: 'Other',
  下级部门作品: 'Regional works',
  初审: 'Initial review',
  终审: 'Final review',
  缴费核对: 'Payments',
  管理: 'Administration',
  证书查验: 'Verify a certificate',
  登录: 'Log in',
  退出: 'Log out',
  通过浙江政务服务网登录: 'Log in with Zhejiang Government Services',
  暂存: 'Save draft',
  返回: 'Back',
  提交并电子签章: 'Submit and e-sign',
  修改: 'Edit',
  签章: 'Sign',
  提交: 'Submit',
  查看表单: 'View form',
  缴费: 'Pay',
  下载证书: 'Download certificate',
  查看: 'View',
  保存: 'Save',
  取消: 'Cancel',
  确认: 'Confirm',
  开始签署: 'Start signing',
  复制签章链接: 'Copy signing link',
  序号: 'No.',
  '签章人/单位': 'Signer',
  类型: 'Type',
  状态: 'Status',
  操作: 'Actions',
  作品名称: 'Title',
  作品类型: 'Work type',
  作品状态: 'Status',
  流水号: 'Serial no.',
  作品名: 'Title',
  备注: 'Remark',
  申请日期: 'Filed on',
  著作权人: 'Copyright holders',
  作者: 'Authors',
  通过: 'Approve',
  退回修改: 'Return for correction',
  不予登记: 'Refuse',
  查询: 'Search',
  作品审核: 'Review',
  线下付款核对: 'Offline payments',
  退费: 'Refunds',
  用户类别: 'Account categories',
  纸质证书发放: 'Paper certificates',
  跳到主要内容: 'Skip to main content',
  菜单: 'Menu',
  导航: 'Navigation',
  放到签章处: 'Put it in my box',
  返回我的作品: 'Back to my works',
  下载已签署的申请表: 'Download the signed form',
  English: 'English',
  中文: '中文',
};

export type Lang = 'zh' | 'en';
const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({ lang: 'zh', setLang: () => {} });

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem('lang') === 'en' ? 'en' : 'zh'));
  const value = useMemo(
    () => ({
      lang,
      setLang: (l: Lang) => {
        localStorage.setItem('lang', l);
        setLangState(l);
      },
    }),
    [lang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang() {
  return useContext(LangContext);
}

/** t('作品填报') → '作品填报' or 'File a work'. */
export function useT() {
  const { lang } = useLang();
  return (zh: string) => (lang === 'en' ? (en[zh] ?? zh) : zh);
}
